from django.urls import path

from analytics import views

urlpatterns = [
    path("transparency/", views.transparency, name="transparency"),
]
