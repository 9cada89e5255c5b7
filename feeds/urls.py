from django.urls import path

from feeds import views

urlpatterns = [
    path("feeds/health/", views.feed_health_page, name="feed-health"),
]
