"""The exchange's source of truth: exchanges, peering LANs, networks and their
memberships, connections, peering-LAN addresses, MACs, route servers and sessions.

A *network* (an ASN, with its AS-SET and max-prefix) is recorded once per install; a
*member* is that network's membership of one exchange, so a team running two or three
exchanges (Saint-Barthélemy, Saint-Martin, Guadeloupe) edits a network in one place.
Validation lives in ``clean()`` so the admin, the API and the importers share it; the
importers call ``full_clean()`` before saving. Member and route-server addresses obey one
rule, :func:`lan_address_problem`, so a route server never plans a session with itself.
"""

from __future__ import annotations

import ipaddress
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lakou import vocabulary
from lakou.registry.secretbox import EncryptedCharField
from lakou.vocabulary import AS_SET_PATTERN, ASN_MAX

asn_validators = [MinValueValidator(1), MaxValueValidator(ASN_MAX)]
as_set_validator = RegexValidator(
    AS_SET_PATTERN,
    _("Enter an AS number (AS64500) or an AS-SET (AS-EXAMPLE, RIPE::AS-EXAMPLE)."),
    flags=re.IGNORECASE,
)
MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")


def normalise_mac(value: str) -> str:
    """``00-1B-21-3A-4F-5C`` -> ``00:1b:21:3a:4f:5c``: the vocabulary's rule, as a validator."""
    try:
        return vocabulary.normalise_mac(value)
    except vocabulary.VocabularyError as exc:
        raise ValidationError(str(exc)) from None


def validate_prefix(value: str, version: int) -> None:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValidationError(
            _("%(value)s is not a valid IPv%(v)s prefix: %(err)s"),
            params={"value": value, "v": version, "err": exc},
        ) from None
    if net.version != version:
        raise ValidationError(
            _("%(value)s is not an IPv%(v)s prefix."), params={"value": value, "v": version}
        )


# Database-free, so the IX-F reader shares it: the vocabulary's rule.
reserved_address_problem = vocabulary.reserved_address_problem


def normalised_address(value: str) -> str:
    """``2001:DB8::0:1`` -> ``2001:db8::1``; a value that is no address is left as it is
    (its field's validation reports it, and ``clean()`` runs after that)."""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return value


def lan_address_problem(
    lan: PeeringLan,
    value: str,
    *,
    address: PeeringLanAddress | None = None,
    route_server: RouteServer | None = None,
) -> str | None:
    """Why ``value`` cannot be a member's or a route server's address on ``lan``, or None.

    The one rule for peering-LAN addresses: inside the LAN's prefix, never the LAN's network
    or broadcast address, never a route server's address on the exchange (a member there
    would make the route server plan a session with itself), never another member's.
    ``address`` or ``route_server`` is the row being checked, which never conflicts with
    itself. The models' ``clean()`` call it, so the admin, the demo and the importers (which
    all ``full_clean()``) apply it; the clients.yml import also calls it for rows it keeps.
    A value that is no IP address at all is left to the field's own validation.
    """
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return None
    network = lan.ipv4_network if addr.version == 4 else lan.ipv6_network
    if network is None:
        return _("The peering LAN has no IPv%(v)s prefix.") % {"v": addr.version}
    if addr not in network:
        return _("%(addr)s is outside the peering LAN %(net)s.") % {"addr": addr, "net": network}
    reserved = reserved_address_problem(addr, network)
    if reserved:
        return reserved
    field = f"ipv{addr.version}"
    # stored addresses are normalised (the field's and this rule's cleaning), so the
    # database compares them; one query each, by index, as an import runs this per address
    servers = RouteServer.objects.filter(exchange_id=lan.exchange_id, **{field: str(addr)})
    if route_server is not None and route_server.pk is not None:
        servers = servers.exclude(pk=route_server.pk)
    rs = servers.order_by("name").first()
    if rs is not None:
        return _("%(addr)s is the address of route server %(rs)s.") % {
            "addr": addr,
            "rs": rs.name,
        }
    taken = [
        row
        for row in PeeringLanAddress.objects.filter(
            lan__exchange_id=lan.exchange_id, **{field: str(addr)}
        )
        .order_by()
        .select_related("connection__member__network", "lan")
        if address is None or row.pk != address.pk
    ]
    other = min(taken, key=lambda row: row.pk, default=None)
    if other is not None:
        return _("%(addr)s is already the address of AS%(asn)d on %(lan)s.") % {
            "addr": addr,
            "asn": other.connection.member.network.asn,
            "lan": other.lan.name,
        }
    return None


class Timestamped(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Exchange(Timestamped):
    """An Internet exchange point run by this install."""

    slug = models.SlugField(_("slug"), unique=True, max_length=64)
    name = models.CharField(_("short name"), max_length=64)
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    country = models.CharField(
        _("country or territory"),
        max_length=2,
        help_text=_("ISO 3166-1 alpha-2 code: MF, BL, GP, SX..."),
    )
    city = models.CharField(_("city"), max_length=128, blank=True)
    url = models.URLField(_("website"), blank=True)
    support_email = models.EmailField(_("support e-mail"), blank=True)
    support_phone = models.CharField(_("support phone"), max_length=32, blank=True)
    asn = models.PositiveBigIntegerField(
        _("exchange ASN"), null=True, blank=True, validators=asn_validators
    )
    ixf_id = models.PositiveIntegerField(
        _("IX-F id"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Identifier in the IX-F database (ask Euro-IX for one)."),
    )
    peeringdb_ix_id = models.PositiveIntegerField(
        _("PeeringDB ix id"), null=True, blank=True, unique=True
    )
    bridged_to = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        verbose_name=_("bridged to"),
        help_text=_(
            "Exchanges joined to this one by a layer-2 bridge (Saint-Martin to Sint Maarten)."
        ),
    )
    ixp_id = models.PositiveIntegerField(
        _("IX-F ixp_id"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("The exchange's number in its IX-F member export (stable across exports)."),
    )
    demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Loaded by `lakou demo`: not real members.")
    )
    # Members' self-service (lakou.accounts.selfservice): whether their changes wait for
    # staff, whether their new MACs start in quarantine, and when the route servers' inputs
    # last changed (the next rs-refresh run rebuilds and deploys from the registry).
    selfservice_approval = models.BooleanField(
        _("self-service changes need staff approval"),
        default=False,
        help_text=_(
            "A member's own changes (MACs, AS-SET, max-prefix, route-server sessions, contacts) "
            "wait until staff approve them."
        ),
    )
    mac_quarantine = models.BooleanField(
        _("MAC quarantine"),
        default=False,
        help_text=_(
            "A MAC a member adds starts in quarantine; staff or the peering-LAN quarantine "
            "check move it to production."
        ),
    )
    routeserver_changed = models.DateTimeField(
        _("route-server inputs changed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a change the route servers depend on was last applied."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")

    def __str__(self) -> str:
        return self.name


class Facility(Timestamped):
    """A building where the exchange has switches (a colocation site)."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    city = models.CharField(_("city"), max_length=128, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    peeringdb_fac_id = models.PositiveIntegerField(_("PeeringDB fac id"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name


class Switch(Timestamped):
    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="switches", verbose_name=_("exchange")
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="switches",
        verbose_name=_("facility"),
    )
    name = models.CharField(_("name"), max_length=64)
    manufacturer = models.CharField(_("manufacturer"), max_length=64, blank=True)
    model = models.CharField(_("model"), max_length=64, blank=True)
    software = models.CharField(_("software"), max_length=128, blank=True)
    management_ip = models.GenericIPAddressField(_("management address"), null=True, blank=True)
    ixf_switch_id = models.PositiveIntegerField(
        _("IX-F switch id"),
        null=True,
        blank=True,
        help_text=_("The switch's number in the IX-F member export (stable across exports)."),
    )
    # Port traffic (lakou.ports): how the poller reaches the switch's SNMP agent.
    SNMP_VERSION_CHOICES = [("", _("not polled")), ("2c", "SNMP v2c"), ("3", "SNMP v3 (authPriv)")]
    COUNTERS_FROM_CHOICES = [("snmp", "SNMP"), ("sflow", "sFlow")]
    snmp_version = models.CharField(
        _("SNMP version"), max_length=2, choices=SNMP_VERSION_CHOICES, default="", blank=True
    )
    snmp_address = models.GenericIPAddressField(
        _("SNMP address"),
        null=True,
        blank=True,
        help_text=_("Address of the SNMP agent (default: the management address)."),
    )
    snmp_port = models.PositiveIntegerField(_("SNMP port"), default=161)
    snmp_community = EncryptedCharField(
        _("SNMP community"),
        max_length=128,
        blank=True,
        help_text=_("SNMP v2c community (never published)."),
    )
    snmp_user = models.CharField(_("SNMP v3 user"), max_length=64, blank=True)
    snmp_auth_protocol = models.CharField(
        _("SNMP v3 authentication"),
        max_length=8,
        blank=True,
        default="SHA",
        choices=[(p, p) for p in ("MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512")],
    )
    snmp_auth_password = EncryptedCharField(
        _("SNMP v3 authentication pass phrase"),
        max_length=128,
        blank=True,
        help_text=_("Never published."),
    )
    snmp_priv_protocol = models.CharField(
        _("SNMP v3 privacy"),
        max_length=8,
        blank=True,
        default="AES",
        choices=[(p, p) for p in ("DES", "AES", "AES-192", "AES-256")],
    )
    snmp_priv_password = EncryptedCharField(
        _("SNMP v3 privacy pass phrase"),
        max_length=128,
        blank=True,
        help_text=_("Never published."),
    )
    counters_from = models.CharField(
        _("port counters from"),
        max_length=8,
        choices=COUNTERS_FROM_CHOICES,
        default="snmp",
        help_text=_(
            "Which source makes the port traffic series when the switch has both; the other "
            "is kept as a cross-check."
        ),
    )
    sflow_agent = models.GenericIPAddressField(
        _("sFlow agent address"),
        null=True,
        blank=True,
        help_text=_("Address its sFlow datagrams come from (default: the SNMP address)."),
    )

    class Meta:
        ordering = ["exchange", "name"]
        verbose_name = _("switch")
        verbose_name_plural = _("switches")
        constraints = [
            models.UniqueConstraint(fields=["exchange", "name"], name="switch_unique_name"),
            models.UniqueConstraint(
                fields=["exchange", "ixf_switch_id"], name="switch_unique_ixf_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exchange.slug}/{self.name}"


class PeeringLan(Timestamped):
    """A peering VLAN with its IPv4 and IPv6 prefixes."""

    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="lans", verbose_name=_("exchange")
    )
    name = models.CharField(_("name"), max_length=64)
    vlan_id = models.PositiveSmallIntegerField(
        _("VLAN id"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4094)],
    )
    ipv4_prefix = models.CharField(_("IPv4 prefix"), max_length=18, blank=True)
    ipv6_prefix = models.CharField(_("IPv6 prefix"), max_length=43, blank=True)
    mtu = models.PositiveIntegerField(
        _("MTU"), default=1500, validators=[MinValueValidator(1280), MaxValueValidator(9216)]
    )

    class Meta:
        ordering = ["exchange", "vlan_id", "name"]
        verbose_name = _("peering LAN")
        verbose_name_plural = _("peering LANs")
        constraints = [
            models.UniqueConstraint(fields=["exchange", "name"], name="lan_unique_name"),
            models.UniqueConstraint(fields=["exchange", "vlan_id"], name="lan_unique_vlan"),
        ]

    def __str__(self) -> str:
        return f"{self.exchange.slug}/{self.name}"

    @property
    def ipv4_network(self) -> ipaddress.IPv4Network | None:
        return ipaddress.IPv4Network(self.ipv4_prefix) if self.ipv4_prefix else None

    @property
    def ipv6_network(self) -> ipaddress.IPv6Network | None:
        return ipaddress.IPv6Network(self.ipv6_prefix) if self.ipv6_prefix else None

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        for field, version in (("ipv4_prefix", 4), ("ipv6_prefix", 6)):
            value = getattr(self, field)
            if value:
                try:
                    validate_prefix(value, version)
                    setattr(self, field, str(ipaddress.ip_network(value)))
                except ValidationError as exc:
                    errors[field] = exc
        if not self.ipv4_prefix and not self.ipv6_prefix:
            errors["ipv4_prefix"] = ValidationError(_("A peering LAN needs at least one prefix."))
        if errors:
            raise ValidationError(errors)


class Network(Timestamped):
    """An autonomous system (recorded once, member of one or more exchanges)."""

    POLICY_CHOICES = [
        ("open", _("open")),
        ("selective", _("selective")),
        ("case-by-case", _("case by case")),
        ("mandatory", _("mandatory")),
        ("closed", _("closed")),
    ]

    asn = models.PositiveBigIntegerField(_("ASN"), unique=True, validators=asn_validators)
    name = models.CharField(_("name"), max_length=255)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    website = models.URLField(_("website"), blank=True)
    peering_policy = models.CharField(
        _("peering policy"), max_length=16, choices=POLICY_CHOICES, default="open"
    )
    as_set = models.CharField(
        _("AS-SET"),
        max_length=255,
        blank=True,
        help_text=_("One or more AS-SETs or ASNs, separated by spaces (RIPE::AS-FOO allowed)."),
    )
    max_prefix_v4 = models.PositiveIntegerField(_("max-prefix IPv4"), null=True, blank=True)
    max_prefix_v6 = models.PositiveIntegerField(_("max-prefix IPv6"), null=True, blank=True)
    never_via_route_servers = models.BooleanField(
        _("never via route servers"),
        default=False,
        help_text=_("The network asks not to be reached through route servers (PeeringDB flag)."),
    )
    peeringdb_net_id = models.PositiveIntegerField(_("PeeringDB net id"), null=True, blank=True)

    class Meta:
        ordering = ["asn"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return f"AS{self.asn} {self.name}"

    @property
    def as_sets(self) -> list[str]:
        return self.as_set.split()

    def clean(self) -> None:
        bad = []
        for item in self.as_set.split():
            try:
                as_set_validator(item)
            except ValidationError:
                bad.append(item)
        if bad:
            raise ValidationError(
                {"as_set": _("Not an AS-SET or ASN: %(items)s") % {"items": ", ".join(bad)}}
            )


class Contact(Timestamped):
    """A person or role to reach at a network (never in public exports)."""

    ROLE_CHOICES = [
        ("noc", _("NOC")),
        ("technical", _("technical")),
        ("policy", _("peering policy")),
        ("abuse", _("abuse")),
        ("billing", _("billing")),
    ]
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("network")
    )
    role = models.CharField(_("role"), max_length=16, choices=ROLE_CHOICES, default="noc")
    name = models.CharField(_("name"), max_length=128, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["network", "role"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.network.asn} {self.role} {self.email or self.phone}"


class Member(Timestamped):
    """A network's membership of one exchange."""

    TYPE_CHOICES = [
        ("peering", _("peering")),
        ("ixp", _("exchange infrastructure")),
        ("other", _("other")),
    ]
    STATUS_CHOICES = [
        ("connected", _("connected")),
        ("provisioning", _("provisioning")),
        ("disconnected", _("disconnected")),
    ]
    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="members", verbose_name=_("exchange")
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("network")
    )
    member_type = models.CharField(
        _("member type"), max_length=16, choices=TYPE_CHOICES, default="peering"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=STATUS_CHOICES, default="connected"
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    bgp_password = EncryptedCharField(
        _("BGP password"),
        max_length=80,
        blank=True,
        help_text=_("TCP MD5 password of the member's route-server sessions (never published)."),
    )
    route_server_options = models.JSONField(
        _("route-server options"),
        default=dict,
        blank=True,
        help_text=_(
            "Per-client options in arouteserver's clients.yml 'cfg' shape (passive, gtsm, "
            "add_path, filtering overrides...), applied by the route-server build."
        ),
    )

    class Meta:
        ordering = ["exchange", "network__asn"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["exchange", "network"], name="member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.exchange.slug}: AS{self.network.asn} {self.network.name}"


class Connection(Timestamped):
    """A member's physical connection: one switch port, or a LAG of several."""

    STATE_CHOICES = [
        ("active", _("active")),
        ("provisioning", _("provisioning")),
        ("quarantine", _("quarantine")),
        ("disabled", _("disabled")),
    ]
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="connections", verbose_name=_("member")
    )
    name = models.CharField(_("name"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=STATE_CHOICES, default="active")
    lag_interface = models.CharField(
        _("LAG interface"),
        max_length=64,
        blank=True,
        help_text=_(
            "The switch's name of the aggregate (Port-Channel10, ae3, Trk1) when the ports form "
            "a LAG: its counters are the connection's traffic, counted once."
        ),
    )

    class Meta:
        ordering = ["member", "name"]
        verbose_name = _("connection")
        verbose_name_plural = _("connections")

    def __str__(self) -> str:
        return f"{self.member} {self.name}".strip()

    @property
    def speed_mbps(self) -> int:
        return sum(p.speed_mbps for p in self.ports.all())


class Port(Timestamped):
    """A switch port; several ports of one connection form a LAG."""

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="ports", verbose_name=_("connection")
    )
    switch = models.ForeignKey(
        Switch, on_delete=models.PROTECT, related_name="ports", verbose_name=_("switch")
    )
    name = models.CharField(_("port"), max_length=64)
    speed_mbps = models.PositiveIntegerField(_("speed (Mb/s)"), default=1000)

    class Meta:
        ordering = ["switch", "name"]
        verbose_name = _("port")
        verbose_name_plural = _("ports")
        constraints = [models.UniqueConstraint(fields=["switch", "name"], name="port_unique_name")]

    def __str__(self) -> str:
        return f"{self.switch.name}:{self.name}"

    def clean(self) -> None:
        if (
            self.switch_id
            and self.connection_id
            and self.switch.exchange_id != self.connection.member.exchange_id
        ):
            raise ValidationError(
                {"switch": _("This switch belongs to another exchange than the member.")}
            )


class PeeringLanAddress(Timestamped):
    """A connection's interface on a peering LAN: its IPv4 and IPv6 addresses."""

    connection = models.ForeignKey(
        Connection,
        on_delete=models.CASCADE,
        related_name="addresses",
        verbose_name=_("connection"),
    )
    lan = models.ForeignKey(
        PeeringLan,
        on_delete=models.PROTECT,
        related_name="addresses",
        verbose_name=_("peering LAN"),
    )
    ipv4 = models.GenericIPAddressField(_("IPv4 address"), protocol="IPv4", null=True, blank=True)
    ipv6 = models.GenericIPAddressField(_("IPv6 address"), protocol="IPv6", null=True, blank=True)

    class Meta:
        ordering = ["lan", "ipv4"]
        verbose_name = _("peering-LAN address")
        verbose_name_plural = _("peering-LAN addresses")
        constraints = [
            models.UniqueConstraint(fields=["lan", "ipv4"], name="address_unique_ipv4"),
            models.UniqueConstraint(fields=["lan", "ipv6"], name="address_unique_ipv6"),
        ]

    def __str__(self) -> str:
        return " / ".join(str(a) for a in (self.ipv4, self.ipv6) if a) or str(self.lan)

    @staticmethod
    def derive_ipv6(ipv4: str, ipv4_prefix: str, ipv6_prefix: str) -> str:
        """Derive an IPv6 address from the IPv4 host part, the common IXP convention.

        The host number's decimal digits are written as the last IPv6 group(s), so host
        23 of 198.51.100.0/24 becomes ``2001:db8::23`` in 2001:db8::/64, readable by people.
        """
        v4 = ipaddress.IPv4Address(ipv4)
        net4 = ipaddress.IPv4Network(ipv4_prefix)
        net6 = ipaddress.IPv6Network(ipv6_prefix)
        if v4 not in net4:
            raise ValueError(f"{v4} is outside {net4}")
        digits = str(int(v4) - int(net4.network_address))
        groups = [digits[max(0, i - 4) : i] for i in range(len(digits), 0, -4)]
        value = sum(int(group, 16) << (16 * k) for k, group in enumerate(groups))
        if value >= net6.num_addresses:
            raise ValueError(f"host {digits} does not fit in {net6}")
        return str(net6.network_address + value)

    def clean(self) -> None:
        errors: dict[str, object] = {}
        lan = self.lan if self.lan_id else None
        if lan is None:
            return
        for field in ("ipv4", "ipv6"):
            value = getattr(self, field)
            if not value:
                continue
            problem = lan_address_problem(lan, value, address=self)
            if problem:
                errors[field] = problem
            else:
                setattr(self, field, normalised_address(value))
        if not self.ipv4 and not self.ipv6:
            errors["ipv4"] = _("Give at least an IPv4 or an IPv6 address.")
        if self.connection_id and lan.exchange_id != self.connection.member.exchange_id:
            errors["lan"] = _("This peering LAN belongs to another exchange than the member.")
        if errors:
            raise ValidationError(errors)


class MacAddress(Timestamped):
    """A MAC address seen or configured behind a peering-LAN address (unique per LAN)."""

    address = models.ForeignKey(
        PeeringLanAddress,
        on_delete=models.CASCADE,
        related_name="macs",
        verbose_name=_("peering-LAN address"),
    )
    lan = models.ForeignKey(
        PeeringLan,
        on_delete=models.CASCADE,
        related_name="macs",
        editable=False,
        verbose_name=_("peering LAN"),
    )
    mac = models.CharField(_("MAC address"), max_length=17)
    learned = models.BooleanField(
        _("learned"), default=False, help_text=_("Discovered on the switch, not configured.")
    )
    quarantine = models.BooleanField(
        _("quarantine"),
        default=False,
        help_text=_(
            "A new MAC watched by the peering-LAN quarantine check before it goes to production."
        ),
    )

    class Meta:
        ordering = ["lan", "mac"]
        verbose_name = _("MAC address")
        verbose_name_plural = _("MAC addresses")
        constraints = [models.UniqueConstraint(fields=["lan", "mac"], name="mac_unique_per_lan")]

    def __str__(self) -> str:
        return self.mac

    def clean(self) -> None:
        try:
            self.mac = normalise_mac(self.mac)
        except ValidationError as exc:
            raise ValidationError({"mac": exc.messages}) from None
        if self.address_id:
            self.lan_id = self.address.lan_id

    def save(self, *args: object, **kwargs: object) -> None:
        if self.address_id and not self.lan_id:
            self.lan_id = self.address.lan_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class RouteServer(Timestamped):
    """A route-server instance on a peering LAN."""

    DAEMON_CHOICES = [("bird2", "BIRD 2"), ("openbgpd", "OpenBGPD")]
    exchange = models.ForeignKey(
        Exchange,
        on_delete=models.CASCADE,
        related_name="route_servers",
        verbose_name=_("exchange"),
    )
    lan = models.ForeignKey(
        PeeringLan,
        on_delete=models.PROTECT,
        related_name="route_servers",
        verbose_name=_("peering LAN"),
    )
    name = models.CharField(_("name"), max_length=64)
    asn = models.PositiveBigIntegerField(_("ASN"), validators=asn_validators)
    router_id = models.GenericIPAddressField(_("router id"), protocol="IPv4")
    ipv4 = models.GenericIPAddressField(_("IPv4 address"), protocol="IPv4", null=True, blank=True)
    ipv6 = models.GenericIPAddressField(_("IPv6 address"), protocol="IPv6", null=True, blank=True)
    daemon = models.CharField(_("daemon"), max_length=16, choices=DAEMON_CHOICES, default="bird2")
    version = models.CharField(_("daemon version"), max_length=32, blank=True)

    class Meta:
        ordering = ["exchange", "name"]
        verbose_name = _("route server")
        verbose_name_plural = _("route servers")
        constraints = [models.UniqueConstraint(fields=["exchange", "name"], name="rs_unique_name")]

    def __str__(self) -> str:
        return f"{self.exchange.slug}/{self.name}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.lan_id:
            if self.exchange_id and self.lan.exchange_id != self.exchange_id:
                errors["lan"] = _("This peering LAN belongs to another exchange.")
            for field in ("ipv4", "ipv6"):
                value = getattr(self, field)
                if not value:
                    continue
                problem = lan_address_problem(self.lan, value, route_server=self)
                if problem:
                    errors[field] = problem
                else:
                    setattr(self, field, normalised_address(value))
        if errors:
            raise ValidationError(errors)


class RouteServerSession(Timestamped):
    """A member's BGP session with a route server, for one address family."""

    AFI_CHOICES = [(4, "IPv4"), (6, "IPv6")]
    route_server = models.ForeignKey(
        RouteServer,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("route server"),
    )
    address = models.ForeignKey(
        PeeringLanAddress,
        on_delete=models.CASCADE,
        related_name="rs_sessions",
        verbose_name=_("peering-LAN address"),
    )
    afi = models.PositiveSmallIntegerField(_("address family"), choices=AFI_CHOICES)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["route_server", "address", "afi"]
        verbose_name = _("route-server session")
        verbose_name_plural = _("route-server sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["route_server", "address", "afi"], name="rs_session_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.route_server} ↔ {self.address} (IPv{self.afi})"

    def clean(self) -> None:
        if self.address_id and self.afi:
            if not getattr(self.address, f"ipv{self.afi}"):
                raise ValidationError(
                    {"afi": _("The member has no IPv%(v)s address on this LAN.") % {"v": self.afi}}
                )
            if self.route_server_id and self.address.lan_id != self.route_server.lan_id:
                raise ValidationError({"address": _("The route server is on another peering LAN.")})
            mine = getattr(self.address, f"ipv{self.afi}")
            theirs = getattr(self.route_server, f"ipv{self.afi}") if self.route_server_id else None
            if theirs and ipaddress.ip_address(mine) == ipaddress.ip_address(theirs):
                raise ValidationError(
                    {
                        "address": _(
                            "%(addr)s is the route server's own address: a route server "
                            "never has a session with itself."
                        )
                        % {"addr": mine}
                    }
                )
