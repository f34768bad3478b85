package webhook

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// ErrForbiddenAddress is the error of a connection the Guard refused.
var ErrForbiddenAddress = errors.New("webhook: destination address refused by the guard")

// Guard refuses connections to addresses a tenant's webhook must not reach
// (server-side request forgery): loopback, private (RFC 1918, fc00::/7),
// link-local (169.254.0.0/16 with the cloud metadata services, fe80::/10),
// unspecified, multicast and broadcast, CGNAT (100.64.0.0/10) and the
// other special-purpose ranges in refused, and the IPv4-mapped, NAT64 and
// 6to4 forms of the IPv4 ones. It checks in the dialer's Control hook, on
// the address actually connected to, after DNS resolution; nothing has been
// sent when it refuses. The zero Guard is ready to use.
type Guard struct {
	// Allow lists prefixes that pass although they are in a refused range,
	// e.g. a receiver on the host's own private network, or 127.0.0.1/32
	// in tests.
	Allow []netip.Prefix
}

// refused are the special-purpose ranges not covered by netip.Addr's
// predicates (IANA special-purpose address registries).
var refused = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // CGNAT, RFC 6598
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // TEST-NET-1
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // TEST-NET-2
	netip.MustParsePrefix("203.0.113.0/24"),  // TEST-NET-3
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and 255.255.255.255
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated)
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated)
}

// Embedded IPv4 forms, checked as the IPv4 address they carry.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	nat64Loc  = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// Check returns an error wrapping ErrForbiddenAddress if a is refused.
func (g *Guard) Check(a netip.Addr) error {
	for _, p := range g.Allow {
		if p.Contains(a) || p.Contains(a.Unmap()) {
			return nil
		}
	}
	if reason := forbidden(a); reason != "" {
		return fmt.Errorf("%w: %s is %s", ErrForbiddenAddress, a, reason)
	}
	return nil
}

// forbidden says why a is refused, or "" when it is not.
func forbidden(a netip.Addr) string {
	if !a.IsValid() {
		return "not an address"
	}
	a = a.WithZone("").Unmap()
	switch {
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "loopback"
	case a.IsPrivate():
		return "private"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		return "multicast"
	}
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64.Contains(a):
			if r := forbidden(netip.AddrFrom4([4]byte(b[12:16]))); r != "" {
				return r + " (NAT64)"
			}
		case nat64Loc.Contains(a):
			return "local-use NAT64"
		case sixToFour.Contains(a):
			if r := forbidden(netip.AddrFrom4([4]byte(b[2:6]))); r != "" {
				return r + " (6to4)"
			}
		}
	}
	for _, p := range refused {
		if p.Contains(a) {
			return "special-purpose (" + p.String() + ")"
		}
	}
	return ""
}

// Control is a net.Dialer Control function: it refuses to connect to
// address (an "ip:port" the dialer has resolved) when Check does. It is
// called after the socket is created and before it connects.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse %s address %q: %w", ErrForbiddenAddress, network, address, err)
	}
	return g.Check(ap.Addr())
}
