package adapters_test

import (
	"os"
	"strings"
	"testing"

	// Importing a package of the root module makes the requirement on it
	// real (go mod tidy keeps it) and checks that the replace directive
	// resolves it to the parent directory. store is used because it is a
	// stable, dependency-free package of the root module.
	_ "github.com/iso27035/iso27035/store"
)

const rootModule = "github.com/iso27035/iso27035"

// TestGoModWiring checks that the adapters module is wired to the root
// module as the release process in the package documentation expects: it
// requires the root module and, until the root module is tagged, replaces
// it with the parent directory.
func TestGoModWiring(t *testing.T) {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatalf("read go.mod: %v", err)
	}

	var module string
	var requires, replaces []string
	block := ""
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		switch {
		case block != "" && fields[0] == ")":
			block = ""
			continue
		case block != "":
			fields = append([]string{block}, fields...)
		case len(fields) == 2 && fields[1] == "(":
			block = fields[0]
			continue
		}
		switch fields[0] {
		case "module":
			module = strings.Join(fields[1:], " ")
		case "require":
			requires = append(requires, strings.Join(fields[1:], " "))
		case "replace":
			replaces = append(replaces, strings.Join(fields[1:], " "))
		}
	}

	if want := rootModule + "/adapters"; module != want {
		t.Errorf("module = %q, want %q", module, want)
	}
	if !hasPrefix(requires, rootModule+" ") {
		t.Errorf("go.mod does not require %s; requires: %q", rootModule, requires)
	}
	if !contains(replaces, rootModule+" => ../") {
		t.Errorf("go.mod does not replace %s => ../; replaces: %q", rootModule, replaces)
	}
}

func hasPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func contains(list []string, want string) bool {
	for _, s := range list {
		if s == want {
			return true
		}
	}
	return false
}
