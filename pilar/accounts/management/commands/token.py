"""`pilar token create|list|revoke`: manage API bearer tokens.

`create` prints only the token on stdout (one line) so scripts can capture it;
it is shown once and stored only as a SHA-256 hash."""

from __future__ import annotations

import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pilar.accounts.choices import TokenApp
from pilar.accounts.models import ApiToken, User


def _user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"Pengguna '{username}' tidak ditemukan.") from None


class Command(BaseCommand):
    help = "Kelola token API: create USERNAME [--name NAMA], list USERNAME, revoke PREFIX."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Buat token baru dan cetak tokennya (sekali saja).")
        create.add_argument("username")
        create.add_argument("--name", default="", help="Nama/keterangan token.")
        create.add_argument(
            "--days",
            type=int,
            default=None,
            help="Masa berlaku dalam hari (bawaan PILAR_TOKEN_DAYS; 0 = tanpa batas).",
        )
        create.add_argument(
            "--read-only", action="store_true", help="Token hanya boleh membaca (GET)."
        )
        create.add_argument(
            "--app",
            default=TokenApp.ALL,
            choices=[c for c in TokenApp.values if c],
            help="Batasi token ke satu bagian API.",
        )
        listing = sub.add_parser("list", help="Daftar token milik pengguna.")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Cabut token berdasarkan awalannya.")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        return getattr(self, f"_{options['subcommand']}")(options)

    def _create(self, options) -> None:
        user = _user(options["username"])
        if not user.is_active:
            raise CommandError(f"Pengguna '{user.username}' tidak aktif.")
        days = options.get("days")
        if days is not None and days < 0:
            raise CommandError("--days tidak boleh negatif.")
        # The token's history names the command, as a request's names its URL.
        with pghistory.context(command="pilar token create"):
            _token, key = ApiToken.issue(
                user,
                name=options.get("name") or "",
                days=days,
                read_only=bool(options.get("read_only")),
                app=options.get("app") or TokenApp.ALL,
            )
        self.stdout.write(key)

    def _list(self, options) -> None:
        user = _user(options["username"])
        tokens = ApiToken.objects.filter(user=user).order_by("created_at")
        if not tokens:
            self.stdout.write(f"Pengguna '{user.username}' belum memiliki token.")
            return
        for token in tokens:
            state = (
                f"dicabut {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M}"
                if token.revoked_at
                else "aktif"
            )
            used = (
                f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}"
                if token.last_used_at
                else "belum pernah"
            )
            expiry = (
                f"berlaku s.d. {timezone.localtime(token.expires_at):%Y-%m-%d}"
                if token.expires_at
                else "tanpa batas waktu"
            )
            scope = (token.get_app_display() if token.app else "seluruh API") + (
                ", hanya baca" if token.read_only else ""
            )
            self.stdout.write(
                f"{token.prefix}\t{token.name or '-'}\t{scope}\t{expiry}\t"
                f"dibuat {timezone.localtime(token.created_at):%Y-%m-%d %H:%M}\t"
                f"terakhir dipakai {used}\t{state}"
            )

    def _revoke(self, options) -> None:
        prefix = options["prefix"].strip()
        # Accept the full token too: its first 8 characters are the prefix.
        matches = list(ApiToken.objects.filter(prefix=prefix[:8], revoked_at__isnull=True))
        if not matches:
            raise CommandError(f"Token aktif dengan awalan '{prefix}' tidak ditemukan.")
        if len(matches) > 1:
            raise CommandError(
                f"Ada {len(matches)} token aktif dengan awalan '{prefix}'; cabut lewat "
                "halaman admin agar tidak salah token."
            )
        token = matches[0]
        token.revoked_at = timezone.now()
        with pghistory.context(command="pilar token revoke"):
            token.save(update_fields=["revoked_at"])
        self.stdout.write(f"Token {token.prefix}… milik {token.user.username} dicabut.")
