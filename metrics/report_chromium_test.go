package metrics_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumNames are the executables tried, in order (Debian's package
// installs chromium).
var chromiumNames = []string{"chromium", "chromium-browser"}

// findChromium returns the browser's path. Without one it skips the test,
// naming what is missing, or fails it under CI=true, where .ci/run installs
// Debian's chromium.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, n := range chromiumNames {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := "headless Chromium not found: none of " + strings.Join(chromiumNames, ", ") + " is on PATH (Debian: apt-get install chromium)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// runChromium runs the browser headless on a page with a fresh profile and
// no network use beyond the file, as CI runs it (as root, offline).
func runChromium(t *testing.T, bin, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	profile, err := os.MkdirTemp(dir, "profile-")
	require.NoError(t, err)
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
		"--user-data-dir=" + profile, "--hide-scrollbars", "--window-size=1200,2400",
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s %s\n%s", bin, strings.Join(cmd.Args[1:], " "), stderr.String())
	return stdout.Bytes()
}

func TestHTMLRendersInChromium(t *testing.T) {
	bin := findChromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	require.NoError(t, htmlReport(t, 1000).WriteHTML(&buf, htmlOpts()))
	require.NoError(t, os.WriteFile(page, buf.Bytes(), 0o644))
	url := "file://" + filepath.ToSlash(page)

	t.Run("dom", func(t *testing.T) {
		dom := string(runChromium(t, bin, dir, "--dump-dom", url))
		require.Contains(t, dom, "<svg", "the rendered DOM holds no chart")
		// Seven trend lines (opened, closed, backlog, four medians) and
		// two bar charts for each of the two breakdowns.
		assert.Equal(t, 7, strings.Count(dom, `class="chart trend-chart"`))
		assert.Equal(t, 4, strings.Count(dom, `class="chart bar-chart"`))
		assert.GreaterOrEqual(t, strings.Count(dom, "<polyline"), 7)
		assert.GreaterOrEqual(t, strings.Count(dom, `<rect class="bar"`), 8)
		assert.Contains(t, dom, "MTTC")
		assert.Contains(t, dom, "What the figures leave out")
		assert.NotContains(t, dom, "<script")
	})

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(dir, "shot.png")
		runChromium(t, bin, dir, "--screenshot="+shot, url)
		f, err := os.Open(shot)
		require.NoError(t, err, "chromium wrote no screenshot")
		defer f.Close()
		img, err := png.Decode(f)
		require.NoError(t, err)
		colours, ink, total := pixelStats(img)
		t.Logf("screenshot %v: %d distinct colours, %d of %d pixels not white", img.Bounds().Size(), colours, ink, total)
		assert.GreaterOrEqual(t, colours, 64, "too few colours: the page looks blank")
		assert.Greater(t, float64(ink)/float64(total), 0.03, "too few non-white pixels: the page looks blank")
		assert.Less(t, float64(ink)/float64(total), 0.9, "almost no white: not the report")
	})
}

// pixelStats counts the distinct colours and the pixels that are not
// (nearly) white.
func pixelStats(img image.Image) (colours, ink, total int) {
	seen := map[uint32]struct{}{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			seen[r<<16|g<<8|bl] = struct{}{}
			if r < 240 || g < 240 || bl < 240 {
				ink++
			}
			total++
		}
	}
	return len(seen), ink, total
}
