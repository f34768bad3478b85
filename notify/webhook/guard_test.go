package webhook_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/webhook"
)

// refusedAddrs has addresses in every refused range, in their IPv4, mapped
// and embedded forms.
var refusedAddrs = []string{
	"127.0.0.1", "127.255.255.254", "::1", // loopback
	"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.0.1", "192.168.255.255", // RFC 1918
	"fc00::1", "fd12:3456:789a::1", // unique local, fc00::/7
	"169.254.169.254", "169.254.0.1", "fe80::1", "fe80::1%eth0", // link-local
	"0.0.0.0", "::", "0.1.2.3", // unspecified, "this network"
	"224.0.0.1", "239.255.255.250", "ff02::1", "ff05::2", "ff01::1", // multicast
	"255.255.255.255", "240.0.0.1", // broadcast, reserved
	"100.64.0.1", "100.127.255.254", // CGNAT
	"192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "2001:db8::1", "100::1", "fec0::1",
	"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:100.64.0.1", "::ffff:0.0.0.0", // IPv4-mapped
	"::127.0.0.1", "::10.0.0.1", // IPv4-compatible
	"64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "64:ff9b:1::1", // NAT64 of 169.254.169.254, 127.0.0.1; local-use NAT64
	"2002:a00:1::1", "2002:7f00:1::", // 6to4 of 10.0.0.1, 127.0.0.1
}

var allowedAddrs = []string{
	"8.8.8.8", "1.1.1.1", "93.184.215.14", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1",
	"192.167.1.1", "169.253.0.1", "2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8",
	"64:ff9b::808:808", "2002:808:808::1",
}

func TestGuardControl(t *testing.T) {
	g := &webhook.Guard{}
	for _, a := range refusedAddrs {
		addr := net.JoinHostPort(a, "443")
		if err := g.Control("tcp", addr, nil); !errors.Is(err, webhook.ErrForbiddenAddress) {
			t.Errorf("Control(%s) = %v, want ErrForbiddenAddress", addr, err)
		}
	}
	for _, a := range allowedAddrs {
		addr := net.JoinHostPort(a, "443")
		if err := g.Control("tcp", addr, nil); err != nil {
			t.Errorf("Control(%s) = %v, want nil", addr, err)
		}
	}
	if err := g.Control("tcp", "not-an-address", nil); !errors.Is(err, webhook.ErrForbiddenAddress) {
		t.Errorf("Control(garbage) = %v", err)
	}
}

func TestGuardAllow(t *testing.T) {
	g := &webhook.Guard{Allow: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}}
	if err := g.Check(netip.MustParseAddr("10.1.2.3")); err != nil {
		t.Errorf("allowed prefix refused: %v", err)
	}
	if err := g.Check(netip.MustParseAddr("::ffff:10.1.2.3")); err != nil {
		t.Errorf("mapped form of an allowed prefix refused: %v", err)
	}
	if err := g.Check(netip.MustParseAddr("10.2.0.1")); err == nil {
		t.Error("outside the allowed prefix accepted")
	}
}

// fakeResolver answers every name with its addresses and counts lookups.
type fakeResolver struct {
	addrs []netip.Addr
	mu    sync.Mutex
	names []string
}

func (f *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.names = append(f.names, host)
	return f.addrs, nil
}

// A tenant's name resolves to private and link-local addresses: the guard
// refuses each after resolution, before connecting, and the failure is
// permanent.
func TestGuardAfterResolution(t *testing.T) {
	res := &fakeResolver{}
	for _, a := range refusedAddrs {
		res.addrs = append(res.addrs, netip.MustParseAddr(a))
	}
	n := mustNew(t, webhook.Config{URL: "http://hooks.tenant.example:8080/in", Key: curKey, Guard: &webhook.Guard{}, Resolver: res})
	err := n.Notify(t.Context(), note(1))
	if !errors.Is(err, webhook.ErrForbiddenAddress) || !notify.IsPermanent(err) {
		t.Fatalf("Notify = %v, want a permanent ErrForbiddenAddress", err)
	}
	if len(res.names) == 0 || res.names[0] != "hooks.tenant.example" {
		t.Errorf("resolver asked for %q", res.names)
	}
	for _, a := range []string{"10.0.0.1", "169.254.169.254", "fe80::1"} {
		if !strings.Contains(err.Error(), a) {
			t.Errorf("error does not name %s: %v", a, err)
		}
	}
}

// The address the name resolves to is the one connected to, and checked:
// with loopback allow-listed, the resolved 127.0.0.1 is reached.
func TestGuardDialsResolvedAddress(t *testing.T) {
	r := newReceiver(t)
	_, port, _ := net.SplitHostPort(r.srv.Listener.Addr().String())
	res := &fakeResolver{addrs: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}
	cfg := webhook.Config{URL: "http://hooks.tenant.example:" + port + "/", Key: curKey, Resolver: res}

	cfg.Guard = &webhook.Guard{}
	if err := mustNew(t, cfg).Notify(t.Context(), note(1)); !errors.Is(err, webhook.ErrForbiddenAddress) {
		t.Fatalf("Notify = %v, want ErrForbiddenAddress", err)
	}
	if len(r.Received()) != 0 {
		t.Fatal("the refused address was reached")
	}
	cfg.Guard = &webhook.Guard{Allow: loopback}
	if err := mustNew(t, cfg).Notify(t.Context(), note(2)); err != nil {
		t.Fatal(err)
	}
	if len(r.Received()) != 1 {
		t.Fatal("the allowed address was not reached")
	}
}

// A *net.Resolver whose DNS server is a fake (answering over an in-memory
// pipe) returns a private address: the guard refuses it. No DNS packet
// leaves the process either.
func TestGuardWithNetResolver(t *testing.T) {
	res := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		client, srv := net.Pipe()
		go fakeDNS(srv, [4]byte{10, 0, 0, 7})
		return client, nil
	}}
	n := mustNew(t, webhook.Config{URL: "https://intranet.tenant.example/", Key: curKey, Guard: &webhook.Guard{}, Resolver: res})
	err := n.Notify(t.Context(), note(1))
	if !errors.Is(err, webhook.ErrForbiddenAddress) || !strings.Contains(err.Error(), "10.0.0.7") {
		t.Fatalf("Notify = %v, want ErrForbiddenAddress for 10.0.0.7", err)
	}
}

// fakeDNS answers DNS queries over TCP framing (a stream conn) with one A
// record, and AAAA queries with none.
func fakeDNS(c net.Conn, a [4]byte) {
	defer c.Close()
	for {
		var l [2]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return
		}
		q := make([]byte, binary.BigEndian.Uint16(l[:]))
		if _, err := io.ReadFull(c, q); err != nil || len(q) < 12 {
			return
		}
		// The question ends after the name (labels up to a zero) and
		// QTYPE, QCLASS.
		i := 12
		for i < len(q) && q[i] != 0 {
			i += int(q[i]) + 1
		}
		if i+5 > len(q) {
			return
		}
		qtype := binary.BigEndian.Uint16(q[i+1:])
		question := q[12 : i+5]
		resp := []byte{q[0], q[1], 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0}
		resp = append(resp, question...)
		if qtype == 1 {
			resp[7] = 1
			resp = append(resp, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
			resp = append(resp, a[:]...)
		}
		out := binary.BigEndian.AppendUint16(nil, uint16(len(resp)))
		if _, err := c.Write(append(out, resp...)); err != nil {
			return
		}
	}
}

// A request through the guard to an allowed server still works over TLS
// (the guard is in the dialer, beneath TLS).
func TestGuardTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	tr, ok := srv.Client().Transport.(*http.Transport)
	if !ok {
		t.Fatal("httptest client has no *http.Transport")
	}
	cfg := webhook.Config{URL: srv.URL, Key: curKey, Guard: &webhook.Guard{Allow: loopback}, TLSConfig: tr.TLSClientConfig}
	if err := mustNew(t, cfg).Notify(t.Context(), note(1)); err != nil {
		t.Fatal(err)
	}
}
