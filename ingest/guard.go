package ingest

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// ErrForbiddenAddress is returned when a fetch would connect to an address
// the guard refuses (loopback, private, link-local, shared, multicast,
// unspecified). Lift it with Fetcher.AllowPrivate (NEWSBOT_ALLOW_PRIVATE_URLS=1).
var ErrForbiddenAddress = errors.New("address not allowed (loopback, private, link-local, shared, multicast or unspecified)")

// sharedSpace is RFC 6598's carrier-grade NAT space, which netip does not
// classify as private.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// checkAddr decides whether a connection to addr may be made: nil when it
// is a public unicast address, else why not. IPv4-mapped IPv6 addresses are
// judged as the IPv4 address they carry.
func checkAddr(addr netip.Addr) error {
	addr = addr.Unmap()
	reason := ""
	switch {
	case !addr.IsValid():
		reason = "invalid"
	case addr.IsUnspecified():
		reason = "unspecified"
	case addr.IsLoopback():
		reason = "loopback"
	case addr.IsPrivate():
		reason = "private"
	case addr.IsLinkLocalUnicast(), addr.IsLinkLocalMulticast():
		reason = "link-local"
	case addr.IsMulticast(), addr.IsInterfaceLocalMulticast():
		reason = "multicast"
	case addr.Is4() && sharedSpace.Contains(addr):
		reason = "shared (100.64.0.0/10)"
	case addr.Is4() && addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		reason = "broadcast"
	}
	if reason == "" {
		return nil
	}
	return fmt.Errorf("%s is %s: %w", addr, reason, ErrForbiddenAddress)
}

// guardControl is a net.Dialer Control function: it runs after DNS
// resolution, on the address actually dialed, for every connection
// (redirects included), so neither a redirect nor a DNS answer that changes
// between check and use can reach a refused address.
func guardControl(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("dial %s: not an IP address: %w", address, ErrForbiddenAddress)
	}
	return checkAddr(ip)
}
