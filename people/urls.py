from django.urls import path

from . import views

urlpatterns = [
    path("", views.registry_view, name="registry"),
    path("match/", views.person_match, name="person_match"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:pk>/", views.duplicate_decide, name="duplicate_decide"),
    path("duplicates/<int:pk>/ask/", views.duplicate_ask, name="duplicate_ask"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("<str:code>/", views.person_detail, name="person"),
    path("<str:code>/export.pdf", views.person_export, name="person_export"),
    path("<str:code>/link/", views.person_link, name="person_link"),
]
