package mutators_test

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func corev1Name(s string) corev1.ResourceName { return corev1.ResourceName(s) }
