package v1alpha1_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
)

// A duration decodes as metav1.Duration does, and text that is no duration
// is kept, not refused: a stored policy with one must still decode, for its
// validation to name the field.
func TestDurationKeepsTextThatIsNoDuration(t *testing.T) {
	var b v1alpha1.BackupPolicy
	if err := json.Unmarshal([]byte(`{"ttl":"1h30m"}`), &b); err != nil || b.TTL.Duration != 90*time.Minute || b.TTL.Err() != nil {
		t.Fatalf("1h30m: %+v, %v", b.TTL, err)
	}
	if out, _ := json.Marshal(b); string(out) != `{"ttl":"1h30m0s"}` {
		t.Errorf("encoded %s, as metav1.Duration writes it", out)
	}
	for _, text := range []string{"forever", "", "99999999999h", "5 seconds"} {
		raw, _ := json.Marshal(map[string]string{"ttl": text})
		var got v1alpha1.BackupPolicy
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%q refused: %v", text, err)
		}
		if got.TTL.Err() == nil || got.TTL.Duration != 0 {
			t.Errorf("%q read as %v", text, got.TTL.Duration)
		}
		if out, _ := json.Marshal(got); string(out) != string(raw) {
			t.Errorf("%q written back as %s", text, out)
		}
	}
	if err := json.Unmarshal([]byte(`{"ttl":3600}`), &b); err == nil {
		t.Error("a number read as a duration")
	}
}
