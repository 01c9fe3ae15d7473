package report

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/leak"
)

// TestKeysText: long keys made from one template show where they differ,
// not their shared start and end; other long keys keep start and end.
func TestKeysText(t *testing.T) {
	h := &leak.Holder{Kind: "dictionary", Keys: []string{
		"endpoint:/v1/stock/SKU-0078666,outcome:ok,service:inventory,",
		"endpoint:/v1/stock/SKU-0416353,outcome:ok,service:inventory,",
	}}
	got := keysText(h)
	for _, want := range []string{"SKU-0078666", "SKU-0416353"} {
		if !strings.Contains(got, want) {
			t.Errorf("%s: want %q shown", got, want)
		}
	}
	h = &leak.Holder{Kind: "Map", Keys: []string{"a-very-long-key-with-nothing-shared-0001-abcdefghijklmnop", "b"}}
	if got := keysText(h); !strings.Contains(got, "a-very-long-key-with-not…") {
		t.Errorf("%s: want the start kept", got)
	}
}
