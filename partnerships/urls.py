from __future__ import annotations

from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("<int:pk>/", views.partnership_detail, name="detail"),
    path("<int:pk>/edit/", views.partnership_edit, name="edit"),
]
# Members, LLSC and LSP relationships share one add, change and remove flow.
for part, prefix in (("member", "members"), ("llsc", "llscs"), ("lsp", "lsps")):
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
