package triage

import "testing"

var (
	benchVector *CVSSVector
	benchScore  float64
)

func BenchmarkParseCVSS(b *testing.B) {
	for _, c := range []struct{ name, vector string }{
		{"v3.1-base", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
		{"v3.1-full", "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:L/E:U/RL:O/RC:U/CR:M/IR:X/AR:H/MAV:P/MAC:X/MUI:X/MS:X/MC:N/MI:L/MA:H"},
		{"v4.0-base", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
		{"v4.0-full", cvss40Valid[5]},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v, err := ParseCVSS(c.vector)
				if err != nil {
					b.Fatal(err)
				}
				benchVector = v
			}
		})
	}
}

func BenchmarkCVSS31BaseScore(b *testing.B) {
	v, err := ParseCVSS("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		benchScore, _ = v.BaseScore()
	}
	if benchScore != 6.1 {
		b.Fatal(benchScore)
	}
}
