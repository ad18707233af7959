"""The project's URLs plus one page nobody decided access for: the coverage test must notice it."""

from django.http import HttpResponse
from django.urls import path

from opendoor.urls import urlpatterns as project

urlpatterns = [*project, path("forgotten/", lambda request: HttpResponse("leak"), name="forgotten_page")]
