package mesh

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pave-dev/pave/pkg/api/v1alpha1"
	"github.com/pave-dev/pave/pkg/workload"
)

// Canary is a parsed canary: where traffic goes and how it advances.
type Canary struct {
	// Of is the stable Deployment.
	Of string
	// Weight is the canary's share in percent.
	Weight int
	// Steps and Interval advance Weight automatically when both are set.
	Steps    []int
	Interval time.Duration
	// HeaderName and HeaderValue, when set, send matching requests to the canary.
	HeaderName, HeaderValue string
}

// CanaryOf parses the canary annotations of a workload: ok is false when it
// is not a canary, problems lists annotations that are invalid.
func CanaryOf(w *workload.Workload) (c Canary, ok bool, problems []Problem) {
	a := w.Meta.Annotations
	c.Of, ok = a[v1alpha1.AnnotationCanaryOf], a[v1alpha1.AnnotationCanaryOf] != ""
	if !ok {
		return c, false, nil
	}
	if errs := validation.IsDNS1123Label(c.Of); len(errs) > 0 {
		problems = append(problems, Problem{v1alpha1.AnnotationCanaryOf, fmt.Sprintf("%q is not a name a Service can have, so no route reaches the canary", c.Of),
			"name the stable workload by its app.kubernetes.io/name, the name of its Service"})
	}
	if c.Of == w.Meta.Name {
		problems = append(problems, Problem{v1alpha1.AnnotationCanaryOf, "a Deployment cannot be a canary of itself", "name the stable Deployment"})
	}
	weight, ok2 := a[v1alpha1.AnnotationCanaryWeight]
	if !ok2 {
		weight = "0"
	}
	n, err := strconv.Atoi(weight)
	if err != nil || n < 0 || n > 100 {
		problems = append(problems, Problem{v1alpha1.AnnotationCanaryWeight, fmt.Sprintf("%q is not a percentage", weight), "write a whole number from 0 to 100"})
	}
	c.Weight = n
	if steps := a[v1alpha1.AnnotationCanarySteps]; steps != "" {
		prev := -1
		for _, f := range strings.Split(steps, ",") {
			s, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || s < 0 || s > 100 || s <= prev {
				problems = append(problems, Problem{v1alpha1.AnnotationCanarySteps, fmt.Sprintf("%q is not a rising list of percentages", steps), "write e.g. 5,25,50,100"})
				c.Steps = nil
				break
			}
			c.Steps, prev = append(c.Steps, s), s
		}
		if len(c.Steps) > 0 && c.Steps[len(c.Steps)-1] != 100 {
			problems = append(problems, Problem{v1alpha1.AnnotationCanarySteps, fmt.Sprintf("%q does not end at 100", steps), "end the steps at 100 so the canary can take all traffic"})
		}
	}
	if iv := a[v1alpha1.AnnotationCanaryInterval]; iv != "" {
		d, err := time.ParseDuration(iv)
		if err != nil || d < time.Second {
			problems = append(problems, Problem{v1alpha1.AnnotationCanaryInterval, fmt.Sprintf("%q is not a duration of a second or more", iv), "write e.g. 10m"})
		}
		c.Interval = d
	}
	if (len(c.Steps) > 0) != (c.Interval > 0) && len(problems) == 0 {
		problems = append(problems, Problem{v1alpha1.AnnotationCanarySteps, "steps and interval go together", fmt.Sprintf("set both %s and %s, or neither", v1alpha1.AnnotationCanarySteps, v1alpha1.AnnotationCanaryInterval)})
	}
	if h := a[v1alpha1.AnnotationCanaryHeader]; h != "" {
		name, value, found := strings.Cut(h, "=")
		switch {
		case !found || name == "" || value == "":
			problems = append(problems, Problem{v1alpha1.AnnotationCanaryHeader, fmt.Sprintf("%q is not name=value", h), "write e.g. x-canary=true"})
		case !httpguts.ValidHeaderFieldName(name) || !httpguts.ValidHeaderFieldValue(value) || strings.TrimSpace(value) != value:
			// No request carries such a header (or such a value: HTTP
			// trims the spaces around it), so the route would match none;
			// and istiod's validation refuses a name that is no HTTP token
			// (pkg/config/validation, ValidateHTTPHeaderNameOrJwtClaimRoute),
			// which would cost the stable its VirtualService.
			problems = append(problems, Problem{v1alpha1.AnnotationCanaryHeader, fmt.Sprintf("%q is not a header a request can carry", h),
				"write a header name of letters, digits and '-' (e.g. x-canary=true), with no spaces around the value"})
		}
		c.HeaderName, c.HeaderValue = strings.ToLower(name), value
	}
	return c, true, problems
}

// CanaryStatus is what pave records on the canary, as JSON in
// pave.dev/canary-status: the weight in force, the step of the steps, since
// when, and why.
type CanaryStatus struct {
	Weight  int       `json:"weight"`
	Step    int       `json:"step,omitempty"`
	Since   time.Time `json:"since"`
	Message string    `json:"message"`
}

// ParseStatus reads the status annotation of a canary; ok is false when there
// is none or it does not parse.
func ParseStatus(w *workload.Workload) (CanaryStatus, bool) {
	var s CanaryStatus
	raw := w.Meta.Annotations[v1alpha1.AnnotationCanaryStatus]
	if raw == "" || json.Unmarshal([]byte(raw), &s) != nil {
		return s, false
	}
	return s, true
}

// CurrentWeight is the canary's share now: with steps, the step pave has
// advanced to (the first step until it has); without, the weight annotation.
func CurrentWeight(w *workload.Workload, c Canary) int {
	if len(c.Steps) == 0 {
		return c.Weight
	}
	if s, ok := ParseStatus(w); ok && s.Step < len(c.Steps) && c.Steps[s.Step] == s.Weight {
		return s.Weight
	}
	return c.Steps[0]
}

// NextStatus is the canary's status at now, and how long until it may change
// again (0: never, without a change to the annotations). Without steps the
// weight annotation is the status. With steps, the canary starts at the first
// step and advances one step per interval until 100.
func NextStatus(w *workload.Workload, c Canary, now time.Time) (CanaryStatus, time.Duration) {
	if len(c.Steps) == 0 {
		prev, _ := ParseStatus(w)
		s := CanaryStatus{Weight: c.Weight, Since: prev.Since, Message: split(c)}
		if prev.Weight != c.Weight || prev.Since.IsZero() {
			s.Since = now
		}
		return s, 0
	}
	s, ok := ParseStatus(w)
	if !ok || s.Step >= len(c.Steps) || c.Steps[s.Step] != s.Weight {
		s = CanaryStatus{Weight: c.Steps[0], Step: 0, Since: now}
	}
	if s.Step < len(c.Steps)-1 && !now.Before(s.Since.Add(c.Interval)) {
		s = CanaryStatus{Weight: c.Steps[s.Step+1], Step: s.Step + 1, Since: now}
	}
	c.Weight = s.Weight
	s.Message = fmt.Sprintf("step %d of %d: %s", s.Step+1, len(c.Steps), split(c))
	if s.Step == len(c.Steps)-1 {
		s.Message += "; promote by rolling the canary's version into the stable Deployment"
		return s, 0
	}
	return s, s.Since.Add(c.Interval).Sub(now)
}

func split(c Canary) string {
	return fmt.Sprintf("%d%% stable %s, %d%% canary", 100-c.Weight, c.Of, c.Weight)
}
