from django.urls import path

from trygg.situation import views

app_name = "situation"

urlpatterns = [
    path("", views.situation, name="picture"),
]
