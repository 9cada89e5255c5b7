from django.urls import path

from rtcc.consumers import OpsConsumer

websocket_urlpatterns = [
    path("ws/ops/", OpsConsumer.as_asgi(), name="ws-ops"),
]
