from django.urls import path

from . import views

urlpatterns = [
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/session/new/", views.session_new, name="session_new"),
    path("supervision/<str:code>/", views.supervision, name="supervision"),
    path("supervision/<str:code>/edit/", views.supervision_edit, name="supervision_edit"),
    path("cases/<str:code>/supervision/", views.supervision_new, name="supervision_new"),
    path("cases/<str:code>/library/", views.library_propose, name="library_propose"),
    path("library/", views.library, name="library"),
    path("library/<str:code>/", views.library_case, name="library_case"),
    path("library/<str:code>/pdf/", views.library_pdf, name="library_pdf"),
    path("facilitators/", views.facilitators, name="facilitators"),
    path("facilitators/<int:pk>/", views.facilitator, name="facilitator"),
    path("network/", views.network, name="network"),
    path("knowledge/", views.knowledge_list, name="knowledge"),
    path("knowledge/new/", views.knowledge_new, name="knowledge_new"),
    path("knowledge/<str:code>/", views.knowledge_doc, name="knowledge_doc"),
    path("knowledge/<str:code>/edit/", views.knowledge_edit, name="knowledge_edit"),
    path("knowledge/<str:code>/v<int:number>/file/", views.knowledge_file, name="knowledge_file"),
]
