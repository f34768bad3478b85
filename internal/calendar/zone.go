package calendar

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"
)

// zoneFiles holds the IANA zoneinfo files of the zones below, copied from
// the tz database (version in zoneinfo/VERSION).
//
//go:embed zoneinfo
var zoneFiles embed.FS

// zones loads every embedded zone once.
var zones = sync.OnceValues(func() (map[string]*time.Location, error) {
	m := map[string]*time.Location{}
	err := fs.WalkDir(zoneFiles, "zoneinfo", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "zoneinfo/VERSION" {
			return err
		}
		b, err := zoneFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "zoneinfo/")
		loc, err := time.LoadLocationFromTZData(name, b)
		if err != nil {
			return fmt.Errorf("calendar: zone %s: %w", name, err)
		}
		m[name] = loc
		return nil
	})
	return m, err
})

// Location returns the embedded zone named name (an IANA name such as
// "Europe/Berlin"). A zone that is not embedded is an error wrapping
// ErrUnknownZone: the package never falls back to the host's zoneinfo,
// so that every host computes the same instant.
func Location(name string) (*time.Location, error) {
	m, err := zones()
	if err != nil {
		return nil, err
	}
	if loc, ok := m[name]; ok {
		return loc, nil
	}
	return nil, fmt.Errorf("%w: %q (embedded: %s)", ErrUnknownZone, name, strings.Join(Zones(), ", "))
}

// Zones lists the embedded zone names, sorted.
func Zones() []string {
	m, _ := zones()
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TZDataVersion is the version of the IANA tz database the embedded zone
// files were copied from.
func TZDataVersion() string {
	b, err := zoneFiles.ReadFile("zoneinfo/VERSION")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// memberStateZones maps ISO 3166-1 alpha-2 codes of EU Member States (and
// the US) to the zone of their capital. Where a State spans several zones
// (ES: Canary Islands; PT: Azores, Madeira) the capital's zone is the
// default; a host with an entity elsewhere sets the zone in its profile.
var memberStateZones = map[string]string{
	"AT": "Europe/Vienna", "BE": "Europe/Brussels", "CZ": "Europe/Prague",
	"DE": "Europe/Berlin", "DK": "Europe/Copenhagen", "ES": "Europe/Madrid",
	"FI": "Europe/Helsinki", "FR": "Europe/Paris", "GR": "Europe/Athens",
	"IE": "Europe/Dublin", "IT": "Europe/Rome", "LU": "Europe/Luxembourg",
	"NL": "Europe/Amsterdam", "PL": "Europe/Warsaw", "PT": "Europe/Lisbon",
	"SE": "Europe/Stockholm", "GB": "Europe/London", "US": "America/New_York",
}

// StateZone returns the zone name of a State by its ISO 3166-1 alpha-2
// code, and false when the package embeds none for it.
func StateZone(code string) (string, bool) {
	z, ok := memberStateZones[code]
	return z, ok
}
