"""The staff's window on the registry: one admin page per model, shaped for daily work.

An operator finds a member by ASN, name, IP or MAC address from any list, filters by
exchange, state or peering LAN, and edits the chain member → connection → ports and
addresses → MACs and route-server sessions through inlines (Django admin has no nested
inlines, so each level links to the next with "change" links). Actions do the repetitive
jobs: create the route-server sessions of new members, derive IPv6 addresses from the
IPv4 host part. Every save goes through the models' ``clean()``, so the admin rejects
exactly what the importers reject.

Secret fields (the members' BGP passwords) are write-only: every admin here refuses a
list filter that names one, directly or through a relation (``?bgp_password__regex=^Md5``,
``?connections__member__bgp_password__startswith=``), so no query string can test a guess.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lakou.registry import models as m
from lakou.registry.secretbox import is_secret_field
from lakou.routeserver import OptionError as ClientsError
from lakou.routeserver import check_options, check_password
from lakou.vocabulary import parse_asn

admin.site.site_header = "lakou"
admin.site.site_title = "lakou"
admin.site.index_title = _("Exchange registry")


def _asn_query(term: str) -> int | None:
    """``AS64500``, ``as64500`` or ``64500`` -> 64500; anything else (5,000 digits) -> None."""
    return parse_asn(term) if len(term) <= 16 else None


class AsnSearchMixin:
    """Search by ASN (with or without the ``AS``) in addition to the text fields.

    ``asn_lookup`` is the ORM path to the ASN (``network__asn`` for a member).
    """

    asn_lookup = "asn"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        result, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        asn = _asn_query(search_term)
        if asn is not None:
            result = result | queryset.filter(**{self.asn_lookup: asn})
        return result, may_have_duplicates


def _mac_query(term: str) -> str | None:
    """Any spelling of a MAC (``0200.0082.7064``, ``02-00-...``) -> ``02:00:00:82:70:64``."""
    try:
        return m.normalise_mac(term.strip())
    except ValidationError:
        return None


def _create_sessions(addresses: QuerySet[m.PeeringLanAddress]) -> tuple[int, list[str]]:
    """One session per route server of the address's LAN and per family it has."""
    created = 0
    problems: list[str] = []
    for addr in addresses.select_related("lan"):
        for rs in m.RouteServer.objects.filter(lan=addr.lan):
            for afi in (4, 6):
                if not getattr(addr, f"ipv{afi}") or not getattr(rs, f"ipv{afi}"):
                    continue
                if m.RouteServerSession.objects.filter(
                    route_server=rs, address=addr, afi=afi
                ).exists():
                    continue
                session = m.RouteServerSession(route_server=rs, address=addr, afi=afi)
                try:
                    session.full_clean()
                except ValidationError as exc:
                    problems.append(f"{addr} / {rs}: {'; '.join(exc.messages)}")
                    continue
                session.save()
                created += 1
    return created, problems


def _report_sessions(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, created: int, problems: list[str]
) -> None:
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d route-server session created.",
            "%(count)d route-server sessions created.",
            created,
        )
        % {"count": created},
        messages.SUCCESS,
    )
    for problem in problems:
        modeladmin.message_user(request, problem, messages.WARNING)


def lookup_touches_secret(model: type[models.Model], lookup: str) -> bool:
    """Whether an ORM lookup path reads a secret field on its way (relations followed)."""
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform or lookup name (startswith, regex...): the path ends
        if is_secret_field(field):
            return True
        related = getattr(field, "related_model", None)
        if not field.is_relation or related is None:
            return False
        model = related
    return False


class RegistryAdmin(admin.ModelAdmin):
    """A registry admin page: filters never reach a secret field (no guessing oracle)."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        if lookup_touches_secret(self.model, lookup):
            return False
        return bool(super().lookup_allowed(lookup, value, request))


# Web sites are https today; also Django 6's default (silences its deprecation warning).
URL_FIELDS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


# --- forms -------------------------------------------------------------------------


class PrettyJSONField(forms.JSONField):
    """A JSON text area that shows the value indented, one option per line."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


class MemberForm(forms.ModelForm):
    """A member, its BGP password write-only, its route-server options checked.

    The password is never sent back to the browser: left empty, the current one stays;
    "remove the BGP password" clears it. The options are checked against arouteserver's
    client ``cfg`` schema, the same check ``lakou clients import`` makes.
    """

    bgp_password = forms.CharField(
        label=_("BGP password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "TCP MD5 password of the member's route-server sessions (never published). "
            "Leave empty to keep the current one."
        ),
    )
    clear_bgp_password = forms.BooleanField(label=_("remove the BGP password"), required=False)
    route_server_options = PrettyJSONField(
        label=_("route-server options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60, "spellcheck": "false"}),
        help_text=m.Member._meta.get_field("route_server_options").help_text,
    )

    class Meta:
        model = m.Member
        fields = ("bgp_password", "route_server_options")

    def clean_bgp_password(self) -> str:
        value: str = self.cleaned_data.get("bgp_password") or ""
        if not value:
            return self.instance.bgp_password if self.instance.pk else ""
        try:
            return check_password(value, "bgp_password", [])
        except ClientsError as exc:
            raise forms.ValidationError(exc.problem) from None

    def clean_route_server_options(self) -> dict[str, Any]:
        value = self.cleaned_data.get("route_server_options")
        try:
            return check_options({} if value is None else value)
        except ClientsError as exc:
            raise forms.ValidationError(f"{exc.path}: {exc.problem}") from None

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("clear_bgp_password"):
            cleaned["bgp_password"] = ""
            self.instance.bgp_password = ""
        return cleaned


class ExchangeForm(forms.ModelForm):
    class Meta:
        model = m.Exchange
        fields = ("ixp_id",)  # the admin adds the others (with its URL field overrides)

    def clean_ixp_id(self) -> int | None:
        value: int | None = self.cleaned_data.get("ixp_id")
        if value is not None:
            other = m.Exchange.objects.filter(ixp_id=value).exclude(pk=self.instance.pk).first()
            if other is not None:
                raise forms.ValidationError(
                    _("%(other)s already has this IX-F number.") % {"other": other}
                )
        return value


class SwitchForm(forms.ModelForm):
    class Meta:
        model = m.Switch
        fields = ("ixf_switch_id",)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        number = cleaned.get("ixf_switch_id")
        exchange = cleaned.get("exchange") or getattr(self.instance, "exchange", None)
        if number is not None and exchange is not None:
            other = (
                m.Switch.objects.filter(exchange=exchange, ixf_switch_id=number)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if other is not None:
                self.add_error(
                    "ixf_switch_id",
                    _("Switch %(other)s already has this IX-F number.") % {"other": other.name},
                )
        return cleaned


# --- inlines -------------------------------------------------------------------------


class PeeringLanInline(admin.TabularInline):
    model = m.PeeringLan
    extra = 0
    fields = ("name", "vlan_id", "ipv4_prefix", "ipv6_prefix", "mtu")
    show_change_link = True


class SwitchInline(admin.TabularInline):
    model = m.Switch
    form = SwitchForm
    extra = 0
    fields = (
        "name",
        "facility",
        "manufacturer",
        "model",
        "software",
        "management_ip",
        "ixf_switch_id",
    )
    show_change_link = True


class RouteServerInline(admin.TabularInline):
    model = m.RouteServer
    fk_name = "exchange"
    extra = 0
    fields = ("name", "lan", "asn", "router_id", "ipv4", "ipv6", "daemon", "version")
    show_change_link = True


class ContactInline(admin.TabularInline):
    model = m.Contact
    extra = 0
    fields = ("role", "name", "email", "phone")


class MembershipInline(admin.TabularInline):
    model = m.Member
    extra = 0
    fields = ("exchange", "member_type", "status", "member_since")  # never the password
    show_change_link = True


class ConnectionInline(admin.TabularInline):
    model = m.Connection
    extra = 0
    fields = ("name", "state")
    show_change_link = True


class PortInline(admin.TabularInline):
    model = m.Port
    extra = 0
    fields = ("switch", "name", "speed_mbps")


class AddressInline(admin.TabularInline):
    model = m.PeeringLanAddress
    extra = 0
    fields = ("lan", "ipv4", "ipv6")
    show_change_link = True


class MacInline(admin.TabularInline):
    model = m.MacAddress
    extra = 0
    fields = ("mac", "learned", "quarantine")


class SessionInline(admin.TabularInline):
    model = m.RouteServerSession
    extra = 0
    fields = ("route_server", "afi", "enabled")


# --- model admins --------------------------------------------------------------------


@admin.register(m.Exchange)
class ExchangeAdmin(AsnSearchMixin, RegistryAdmin):
    list_display = ("name", "slug", "country", "city", "asn", "member_count", "bridges", "demo")
    list_filter = ("country", "demo")
    search_fields = ("name", "full_name", "slug", "city")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("bridged_to",)
    inlines = [PeeringLanInline, SwitchInline, RouteServerInline]
    formfield_overrides = URL_FIELDS
    form = ExchangeForm
    fieldsets = (
        (None, {"fields": ("name", "full_name", "slug", "country", "city", "demo")}),
        (_("Contact"), {"fields": ("url", "support_email", "support_phone")}),
        (_("Identifiers"), {"fields": ("asn", "ixf_id", "ixp_id", "peeringdb_ix_id")}),
        (_("Bridges"), {"fields": ("bridged_to",)}),
        (_("Members' self-service"), {"fields": ("selfservice_approval", "mac_quarantine")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Exchange]:
        return super().get_queryset(request).annotate(n_members=Count("members", distinct=True))

    @admin.display(description=_("members"), ordering="n_members")
    def member_count(self, obj: m.Exchange) -> int:
        return getattr(obj, "n_members", 0)

    @admin.display(description=_("bridged to"))
    def bridges(self, obj: m.Exchange) -> str:
        return ", ".join(b.name for b in obj.bridged_to.all()) or "—"


@admin.register(m.Facility)
class FacilityAdmin(RegistryAdmin):
    list_display = ("name", "city", "country", "peeringdb_fac_id")
    list_filter = ("country",)
    search_fields = ("name", "city", "address")


@admin.register(m.Switch)
class SwitchAdmin(RegistryAdmin):
    form = SwitchForm
    list_display = (
        "name",
        "exchange",
        "facility",
        "manufacturer",
        "model",
        "management_ip",
        "ixf_switch_id",
    )
    list_filter = ("exchange", "facility", "manufacturer")
    search_fields = ("name", "model", "management_ip")
    list_select_related = ("exchange", "facility")


@admin.register(m.PeeringLan)
class PeeringLanAdmin(RegistryAdmin):
    list_display = (
        "name",
        "exchange",
        "vlan_id",
        "ipv4_prefix",
        "ipv6_prefix",
        "mtu",
        "address_count",
    )
    list_filter = ("exchange",)
    search_fields = ("name", "ipv4_prefix", "ipv6_prefix")
    list_select_related = ("exchange",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.PeeringLan]:
        return super().get_queryset(request).annotate(n_addresses=Count("addresses"))

    @admin.display(description=_("addresses"), ordering="n_addresses")
    def address_count(self, obj: m.PeeringLan) -> int:
        return getattr(obj, "n_addresses", 0)


@admin.register(m.Network)
class NetworkAdmin(AsnSearchMixin, RegistryAdmin):
    list_display = (
        "asn",
        "name",
        "organisation",
        "peering_policy",
        "as_set",
        "max_prefix_v4",
        "max_prefix_v6",
        "never_via_route_servers",
    )
    list_display_links = ("asn", "name")
    list_filter = ("peering_policy", "never_via_route_servers", "memberships__exchange")
    search_fields = ("name", "organisation", "as_set")
    inlines = [ContactInline, MembershipInline]
    formfield_overrides = URL_FIELDS


@admin.register(m.Contact)
class ContactAdmin(AsnSearchMixin, RegistryAdmin):
    asn_lookup = "network__asn"
    list_display = ("network", "role", "name", "email", "phone")
    list_filter = ("role",)
    search_fields = ("name", "email", "phone", "network__name")
    list_select_related = ("network",)


@admin.register(m.Member)
class MemberAdmin(AsnSearchMixin, RegistryAdmin):
    asn_lookup = "network__asn"
    list_display = (
        "asn",
        "network_name",
        "exchange",
        "member_type",
        "status",
        "member_since",
        "speed",
        "has_bgp_password",
    )
    list_display_links = ("asn", "network_name")
    list_filter = ("exchange", "status", "member_type")
    search_fields = (
        "network__name",
        "network__organisation",
        "connections__addresses__ipv4",
        "connections__addresses__ipv6",
        "connections__addresses__macs__mac",
    )
    list_select_related = ("exchange", "network")
    autocomplete_fields = ("network",)
    inlines = [ConnectionInline]
    actions = ["create_route_server_sessions"]
    form = MemberForm
    fieldsets = (
        (None, {"fields": ("exchange", "network", "member_type", "status", "member_since")}),
        (
            _("Route server"),
            {"fields": ("bgp_password", "clear_bgp_password", "route_server_options")},
        ),
    )

    @admin.display(description=_("BGP password"), boolean=True)
    def has_bgp_password(self, obj: m.Member) -> bool:
        return bool(obj.bgp_password)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        result, _dup = super().get_search_results(request, queryset, search_term)
        mac = _mac_query(search_term)
        if mac:
            result = result | queryset.filter(connections__addresses__macs__mac=mac)
        return result, True  # the joins through addresses and MACs can repeat a member

    @admin.display(description=_("ASN"), ordering="network__asn")
    def asn(self, obj: m.Member) -> str:
        return f"AS{obj.network.asn}"

    @admin.display(description=_("name"), ordering="network__name")
    def network_name(self, obj: m.Member) -> str:
        return obj.network.name

    @admin.display(description=_("speed (Mb/s)"))
    def speed(self, obj: m.Member) -> int:
        return sum(c.speed_mbps for c in obj.connections.all())

    @admin.action(description=_("Create route-server sessions for the selected members"))
    def create_route_server_sessions(
        self, request: HttpRequest, queryset: QuerySet[m.Member]
    ) -> None:
        addresses = m.PeeringLanAddress.objects.filter(connection__member__in=queryset)
        created, problems = _create_sessions(addresses)
        _report_sessions(self, request, created, problems)


@admin.register(m.Connection)
class ConnectionAdmin(AsnSearchMixin, RegistryAdmin):
    asn_lookup = "member__network__asn"
    list_display = ("__str__", "member", "state", "port_list", "speed")
    list_filter = ("state", "member__exchange", "ports__switch")
    search_fields = ("name", "member__network__name", "ports__name")
    list_select_related = ("member__network", "member__exchange")
    inlines = [PortInline, AddressInline]
    actions = ["mark_quarantine", "mark_active"]

    @admin.display(description=_("ports"))
    def port_list(self, obj: m.Connection) -> str:
        return ", ".join(str(p) for p in obj.ports.all()) or "—"

    @admin.display(description=_("speed (Mb/s)"))
    def speed(self, obj: m.Connection) -> int:
        return obj.speed_mbps

    def _set_state(
        self, request: HttpRequest, queryset: QuerySet[m.Connection], state: str
    ) -> None:
        count = queryset.update(state=state)
        self.message_user(
            request,
            ngettext("%(count)d connection updated.", "%(count)d connections updated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Put the selected connections in quarantine"))
    def mark_quarantine(self, request: HttpRequest, queryset: QuerySet[m.Connection]) -> None:
        self._set_state(request, queryset, "quarantine")

    @admin.action(description=_("Mark the selected connections active"))
    def mark_active(self, request: HttpRequest, queryset: QuerySet[m.Connection]) -> None:
        self._set_state(request, queryset, "active")


@admin.register(m.Port)
class PortAdmin(RegistryAdmin):
    list_display = ("__str__", "switch", "connection", "speed_mbps")
    list_filter = ("switch__exchange", "switch", "speed_mbps")
    search_fields = ("name", "switch__name", "connection__member__network__name")
    list_select_related = ("switch", "connection__member__network", "connection__member__exchange")


class AddressSearchMixin(AsnSearchMixin):
    """Search an IP address exactly, whatever its spelling (``2001:DB8::0023``)."""

    asn_lookup = "connection__member__network__asn"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        result, dup = super().get_search_results(request, queryset, search_term)
        try:
            ip = ipaddress.ip_address(search_term.strip())
        except ValueError:
            return result, dup
        field = "ipv4" if ip.version == 4 else "ipv6"
        prefix = "" if queryset.model is m.PeeringLanAddress else "address__"
        return result | queryset.filter(**{f"{prefix}{field}": str(ip)}), dup


@admin.register(m.PeeringLanAddress)
class PeeringLanAddressAdmin(AddressSearchMixin, RegistryAdmin):
    list_display = ("__str__", "member", "lan", "ipv4", "ipv6", "mac_list", "rs_families")
    list_filter = ("lan__exchange", "lan")
    search_fields = ("ipv4", "ipv6", "macs__mac", "connection__member__network__name")
    list_select_related = ("lan__exchange", "connection__member__network")
    inlines = [MacInline, SessionInline]
    actions = ["derive_ipv6", "create_route_server_sessions"]

    @admin.display(description=_("member"), ordering="connection__member__network__asn")
    def member(self, obj: m.PeeringLanAddress) -> str:
        return str(obj.connection.member.network)

    @admin.display(description=_("MAC addresses"))
    def mac_list(self, obj: m.PeeringLanAddress) -> str:
        return ", ".join(mac.mac for mac in obj.macs.all()) or "—"

    @admin.display(description=_("route servers"))
    def rs_families(self, obj: m.PeeringLanAddress) -> str:
        afis = sorted({s.afi for s in obj.rs_sessions.all() if s.enabled})
        return " ".join(f"IPv{a}" for a in afis) or "—"

    @admin.action(description=_("Derive the IPv6 address from the IPv4 host part"))
    def derive_ipv6(self, request: HttpRequest, queryset: QuerySet[m.PeeringLanAddress]) -> None:
        done = 0
        for addr in queryset.select_related("lan").filter(Q(ipv6__isnull=True) | Q(ipv6="")):
            if not addr.ipv4 or not addr.lan.ipv4_prefix or not addr.lan.ipv6_prefix:
                continue
            try:
                addr.ipv6 = m.PeeringLanAddress.derive_ipv6(
                    addr.ipv4, addr.lan.ipv4_prefix, addr.lan.ipv6_prefix
                )
                addr.full_clean()
            except (ValueError, ValidationError) as exc:
                self.message_user(request, f"{addr}: {exc}", messages.WARNING)
                continue
            addr.save()
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d IPv6 address derived.", "%(count)d IPv6 addresses derived.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Create route-server sessions for the selected addresses"))
    def create_route_server_sessions(
        self, request: HttpRequest, queryset: QuerySet[m.PeeringLanAddress]
    ) -> None:
        created, problems = _create_sessions(queryset)
        _report_sessions(self, request, created, problems)


@admin.register(m.MacAddress)
class MacAddressAdmin(RegistryAdmin):
    list_display = ("mac", "address", "member", "lan", "learned", "quarantine")
    list_filter = ("lan__exchange", "lan", "learned", "quarantine")
    search_fields = (
        "mac",
        "address__ipv4",
        "address__ipv6",
        "address__connection__member__network__name",
    )
    list_select_related = ("lan", "address__connection__member__network")

    @admin.display(description=_("member"))
    def member(self, obj: m.MacAddress) -> str:
        return str(obj.address.connection.member.network)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        result, dup = super().get_search_results(request, queryset, search_term)
        mac = _mac_query(search_term)
        return (result | queryset.filter(mac=mac), dup) if mac else (result, dup)


@admin.register(m.RouteServer)
class RouteServerAdmin(AsnSearchMixin, RegistryAdmin):
    list_display = (
        "name",
        "exchange",
        "lan",
        "asn",
        "router_id",
        "ipv4",
        "ipv6",
        "daemon",
        "version",
        "session_count",
    )
    list_filter = ("exchange", "daemon")
    search_fields = ("name", "router_id", "ipv4", "ipv6")
    list_select_related = ("exchange", "lan")

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.RouteServer]:
        return super().get_queryset(request).annotate(n_sessions=Count("sessions"))

    @admin.display(description=_("sessions"), ordering="n_sessions")
    def session_count(self, obj: m.RouteServer) -> int:
        return getattr(obj, "n_sessions", 0)


@admin.register(m.RouteServerSession)
class RouteServerSessionAdmin(AddressSearchMixin, RegistryAdmin):
    asn_lookup = "address__connection__member__network__asn"
    list_display = ("__str__", "route_server", "member", "afi", "enabled")
    list_filter = ("route_server__exchange", "route_server", "afi", "enabled")
    search_fields = ("address__ipv4", "address__ipv6", "address__connection__member__network__name")
    list_select_related = ("route_server__exchange", "address__connection__member__network")
    actions = ["enable", "disable"]

    @admin.display(description=_("member"))
    def member(self, obj: m.RouteServerSession) -> str:
        return str(obj.address.connection.member.network)

    @admin.action(description=_("Enable the selected sessions"))
    def enable(self, request: HttpRequest, queryset: QuerySet[m.RouteServerSession]) -> None:
        queryset.update(enabled=True)

    @admin.action(description=_("Disable the selected sessions"))
    def disable(self, request: HttpRequest, queryset: QuerySet[m.RouteServerSession]) -> None:
        queryset.update(enabled=False)
