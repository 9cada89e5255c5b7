from django.urls import path

from accounts import mfa_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("activity/", views.ActivityView.as_view(), name="account-activity"),
    path("mfa/enrol/", mfa_views.mfa_enrol, name="mfa-enrol"),
    path("mfa/verify/", mfa_views.mfa_verify, name="mfa-verify"),
    path("mfa/recovery/", mfa_views.mfa_recovery, name="mfa-recovery"),
    path("mfa/recovery-codes/", mfa_views.mfa_recovery_codes, name="mfa-recovery-codes"),
    path("security/", views.security, name="account-security"),
    path("security/recovery-codes/", views.RecoveryCodesRegenerateView.as_view(), name="account-recovery-regenerate"),
    path("sessions/", views.sessions, name="account-sessions"),
    path("sessions/<int:pk>/revoke/", views.SessionRevokeView.as_view(), name="account-session-revoke"),
    path("sessions/revoke-others/", views.SessionsRevokeOthersView.as_view(), name="account-sessions-revoke-others"),
    path("users/", views.users, name="account-users"),
    path("users/<int:pk>/unlock/", views.UserUnlockView.as_view(), name="account-user-unlock"),
    path(
        "users/<int:pk>/revoke-sessions/", views.UserSessionsRevokeView.as_view(), name="account-user-revoke-sessions"
    ),
    path("users/<int:pk>/reset-mfa/", views.UserMfaResetView.as_view(), name="account-user-reset-mfa"),
]
