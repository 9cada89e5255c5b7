"""OpenAPI description of the feed API-key scheme (imported by FeedsConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class FeedApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "feeds.authentication.FeedApiKeyAuthentication"
    name = "FeedApiKey"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: the key shown once when the feed was registered.",
        }
