package v1alpha1

import (
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a length of time written as Go writes one (30s, 5m, 720h), as
// metav1.Duration is, but it decodes whatever text it is given: text that
// is no duration is kept in Unparsed, for the policy's validation to name
// with its field. metav1.Duration fails the decoding of the whole object
// instead, and a PlatformPolicy that pave's cache cannot decode stops every
// list and watch of PlatformPolicies: no later generation is judged, and a
// restarted pave never becomes ready. The CRD refuses such text on write (the
// pattern and rule below); a policy stored before it did is still read.
// +kubebuilder:validation:Type=string
// +kubebuilder:validation:MaxLength=32
// +kubebuilder:validation:Pattern=`^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`
// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('0s')",message="must be a duration pave can read, such as 30s, 5m or 720h"
type Duration struct {
	// Duration is the length of time; zero when Unparsed is set.
	Duration time.Duration `json:"-"`
	// Unparsed is the text given, when it was no duration (the empty text
	// too); nil when it was one.
	Unparsed *string `json:"-"`
}

// UnmarshalJSON reads a JSON string; text time.ParseDuration refuses is kept
// in Unparsed rather than refused.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as 30s, 5m or 720h: %w", err)
	}
	parsed, err := time.ParseDuration(s)
	if err != nil {
		*d = Duration{Unparsed: &s}
		return nil
	}
	*d = Duration{Duration: parsed}
	return nil
}

// MarshalJSON writes the duration as Go writes it, or the unparsed text as
// it was given.
func (d Duration) MarshalJSON() ([]byte, error) {
	if d.Unparsed != nil {
		return json.Marshal(*d.Unparsed)
	}
	return json.Marshal(d.Duration.String())
}

// Err says why the text given was no duration; nil when it was one.
func (d Duration) Err() error {
	if d.Unparsed == nil {
		return nil
	}
	return fmt.Errorf("%q is not a duration: write it as Go does, such as 30s, 5m or 720h", *d.Unparsed)
}
