from __future__ import annotations

from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("to-link/", views.partnerships_to_link, name="to_link"),
    path("<int:pk>/", views.partnership_detail, name="detail"),
    path("<int:pk>/edit/", views.partnership_edit, name="edit"),
    # The local LSC links: who may change them is not who may change the rest.
    path("<int:pk>/llscs/add/", views.llsc_add, name="llsc_add"),
    path("<int:pk>/llscs/<int:part_pk>/edit/", views.llsc_edit, name="llsc_edit"),
    path("<int:pk>/llscs/<int:part_pk>/remove/", views.llsc_end, name="llsc_delete"),
]
# Members, LSP relationships and other regeneration body relationships share
# one add, change and remove flow.
for part, prefix in (("member", "members"), ("lsp", "lsps"), ("body", "bodies")):
    urlpatterns += [
        path(
            f"<int:pk>/{prefix}/add/",
            views.part_add,
            {"part": part},
            name=f"{part}_add",
        ),
        path(
            f"<int:pk>/{prefix}/<int:part_pk>/edit/",
            views.part_edit,
            {"part": part},
            name=f"{part}_edit",
        ),
        path(
            f"<int:pk>/{prefix}/<int:part_pk>/remove/",
            views.part_delete,
            {"part": part},
            name=f"{part}_delete",
        ),
    ]
