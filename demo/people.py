"""The four demo users, one for each role, all signing in with the same
password (a user who exists already keeps their password); and each demo
partnership's own manager as a user who cannot sign in, so the demo's history
names who wrote each return."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from partnerships.models import LearningPartnership, LocalLSC, Profile, Region, Role

DEMO_PASSWORD = "learning-2003"  # noqa: S105 (printed for the demo on purpose)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    description: str


MANAGED = ("Hull", "Doncaster")  # the demo manager's partnerships

DEMO_USERS = (
    DemoUser(
        "manager", "Alison", "Harper", Role.MANAGER, "manager of Hull and Doncaster"
    ),
    DemoUser(
        "officer", "Graham", "Noble", Role.LLSC_OFFICER, "officer of Humberside LSC"
    ),
    DemoUser(
        "go", "Yvonne", "Ellis", Role.GO_OFFICER, "GO officer, Yorkshire and the Humber"
    ),
    DemoUser("admin", "Nadia", "Okafor", Role.NATIONAL_ADMIN, "national administrator"),
)


def load_demo_users(*, humberside: LocalLSC, yorkshire: Region) -> None:
    """Create the demo users that are missing and give each their role: the
    manager manages Hull and Doncaster, the officer is of Humberside LSC, the GO officer of
    Yorkshire and the Humber."""
    User = get_user_model()
    managed = list(LearningPartnership.objects.filter(name__in=MANAGED))
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = User.objects.create_user(
                username=demo.username,
                password=DEMO_PASSWORD,
                email=f"{demo.username}@example.org",
                first_name=demo.first_name,
                last_name=demo.last_name,
            )
        if demo.role == Role.NATIONAL_ADMIN and not (
            user.is_staff and user.is_superuser
        ):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "role": demo.role,
                "llsc": humberside if demo.role == Role.LLSC_OFFICER else None,
                "region": yorkshire if demo.role == Role.GO_OFFICER else None,
            },
        )
        if demo.role == Role.MANAGER:
            user.managed_partnerships.add(*managed)
    _load_partnership_managers()


def _load_partnership_managers() -> None:
    """Each partnership's named manager, as a manager without a password,
    unless someone manages it under that name already."""
    User = get_user_model()
    for partnership in LearningPartnership.objects.prefetch_related("managers"):
        name = partnership.manager_name
        if not name or any(
            u.get_full_name() == name for u in partnership.managers.all()
        ):
            continue
        first, _, last = name.partition(" ")
        username = name.lower().replace(" ", ".")
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
            )
            user.set_unusable_password()
            user.save()
            Profile.objects.create(user=user, role=Role.MANAGER)
        partnership.managers.add(user)
