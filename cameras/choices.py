from django.db import models


class OwnerType(models.TextChoices):
    CITY = "city", "City"
    TRAFFIC = "traffic", "DOT / traffic"
    SCHOOL = "school", "School"
    TRANSIT = "transit", "Transit"
    BUSINESS = "business", "Business partner"
    RESIDENTIAL = "residential", "Residential"


class AccessTier(models.TextChoices):
    # The owner's agreement: what the RTCC may do with this camera.
    REGISTER_ONLY = "register", "Register only"
    FOOTAGE = "footage", "Footage on request"
    LIVE = "live", "Live share"


class CameraStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RETIRED = "retired", "Retired"


class Health(models.TextChoices):
    ONLINE = "online", "Online"
    OFFLINE = "offline", "Offline"
    UNKNOWN = "unknown", "Unknown"


class CameraSource(models.TextChoices):
    ADMIN = "admin", "Entered by an admin"
    COMMUNITY = "community", "Community self-registration"
    IMPORT = "import", "Bulk import"


class FootageStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    FULFILLED = "fulfilled", "Fulfilled"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
