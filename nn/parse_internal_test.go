package nn

import "testing"

// TestLayerParsersKnown checks that every kind ParseLayer reads is one
// Build knows, so the two tables cannot drift apart.
func TestLayerParsersKnown(t *testing.T) {
	for k := range layerParsers {
		if _, ok := kinds[k]; !ok {
			t.Errorf("ParseLayer reads kind %q, which the layer registry does not hold", k)
		}
	}
}
