"""URLs of the operations pages (staff only), mounted at /operations/."""

from __future__ import annotations

from django.urls import path

from lakou.operations import views

app_name = "operations"
urlpatterns = [path("jobs/", views.jobs, name="jobs")]
