from __future__ import annotations

from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("<int:pk>/", views.partnership_detail, name="detail"),
    path("<int:pk>/edit/", views.partnership_edit, name="edit"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path(
        "<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"
    ),
    path(
        "<int:pk>/members/<int:member_pk>/remove/",
        views.member_delete,
        name="member_delete",
    ),
    path("<int:pk>/llscs/add/", views.llsc_relationship_add, name="llsc_add"),
    path(
        "<int:pk>/llscs/<int:relationship_pk>/edit/",
        views.llsc_relationship_edit,
        name="llsc_edit",
    ),
    path(
        "<int:pk>/llscs/<int:relationship_pk>/remove/",
        views.llsc_relationship_delete,
        name="llsc_delete",
    ),
    path("<int:pk>/lsps/add/", views.lsp_relationship_add, name="lsp_add"),
    path(
        "<int:pk>/lsps/<int:relationship_pk>/edit/",
        views.lsp_relationship_edit,
        name="lsp_edit",
    ),
    path(
        "<int:pk>/lsps/<int:relationship_pk>/remove/",
        views.lsp_relationship_delete,
        name="lsp_delete",
    ),
]
