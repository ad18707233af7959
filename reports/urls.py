from django.urls import path

from . import views

urlpatterns = [
    path("", views.monitoring, name="monitoring"),
    path("export.<str:fmt>", views.monitoring_export, name="monitoring_export"),
    path("indicators/", views.indicators, name="indicators"),
]
