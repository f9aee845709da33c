"""Demo accounts, one per role, for trying Violeta on a laptop. Never for production."""

from __future__ import annotations

import dataclasses
import time
from base64 import b32decode

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from violeta.accounts.models import User
from violeta.accounts.roles import Role, Specialty, requires_second_factor
from violeta.catalogs.models import Dependencia

DEMO_PASSWORD = "violeta-demo-2026"  # noqa: S105 - printed to the developer on purpose
# The demo accounts' authenticator secret, published in the README so a developer can also add
# it to a phone app. Base32, as authenticator apps take it; only seed_demo ever uses it.
DEMO_TOTP_SECRET = "VIOLETADEMOVIOLETADEMOVIOLETADEM"  # noqa: S105 - published on purpose
DEMO_TOTP_KEY = b32decode(DEMO_TOTP_SECRET).hex()
DEMO_DEVICE_NAME = "Demo (clave publicada)"


@dataclasses.dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    dependencia_code: str
    specialty: str = ""
    position: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "servidora@demo.violeta.mx",
        "Rosa Elena Chávez",
        Role.SERVIDORA,
        "dif_municipal",
        position="Auxiliar administrativa",
    ),
    DemoUser(
        "atencion@demo.violeta.mx",
        "Lucía Ontiveros",
        Role.ATENCION,
        "imm",
        Specialty.PSICOLOGIA,
        "Psicóloga",
    ),
    DemoUser(
        "enlace@demo.violeta.mx",
        "Martha Loya",
        Role.ENLACE,
        "instituto_cultura",
        position="Unidad de Igualdad de Género",
    ),
    DemoUser(
        "coordinacion@demo.violeta.mx",
        "Adriana Holguín",
        Role.COORDINACION,
        "imm",
        position="Coordinadora de atención",
    ),
    DemoUser(
        "autoridad@demo.violeta.mx",
        "Jorge Terrazas",
        Role.AUTORIDAD,
        "imm",
        position="Integrante del Comité de Ética",
    ),
    DemoUser(
        "admin@demo.violeta.mx",
        "Soporte de Sistemas",
        Role.ADMINISTRACION,
        "imm",
        position="Administración del sistema",
    ),
)


def demo_users_ensure() -> list[DemoUser]:
    """Create the demo accounts that are missing; existing ones are left alone.

    Every demo account that needs a second factor gets an authenticator with the published
    demo secret, unless it already has one (so an older demo database gains it too).
    """
    dependencias = {dep.code: dep for dep in Dependencia.objects.all()}
    with transaction.atomic():
        for demo in DEMO_USERS:
            user = User.objects.filter(email=demo.email).first()
            if user is None:
                dependencia = dependencias.get(demo.dependencia_code)
                if dependencia is None:
                    raise LookupError(
                        f"Dependencia {demo.dependencia_code!r} is not loaded; "
                        "run `manage.py load_catalogs` first."
                    )
                user = User.objects.create_user(
                    demo.email,
                    DEMO_PASSWORD,
                    full_name=demo.full_name,
                    role=demo.role,
                    specialty=demo.specialty,
                    dependencia=dependencia,
                    position=demo.position,
                )
            if requires_second_factor(user) and not TOTPDevice.objects.filter(
                user=user, confirmed=True
            ):
                TOTPDevice.objects.create(
                    user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True
                )
    return list(DEMO_USERS)


def demo_codes_current(*, at: float | None = None) -> list[tuple[DemoUser, str]]:
    """The code each demo account accepts now, for the demo accounts that use one.

    Only devices holding the published demo secret are read, so this never reveals a code
    derived from a real person's secret.
    """
    codes = []
    for demo in DEMO_USERS:
        device = (
            TOTPDevice.objects.filter(user__email=demo.email, confirmed=True, key=DEMO_TOTP_KEY)
            .order_by("pk")
            .first()
        )
        if device is not None:
            codes.append((demo, totp_code_unused(device, at=at)))
    return codes


def totp_code_unused(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code an authenticator app would show now for ``device``, as a string of digits.

    A code already spent in this 30-second step is refused (replay protection); then the
    next step's code is given, which the device also accepts (one step of tolerance).
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + (step - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"
