// Package spec is the simple service spec a team writes, and its rendering to a
// plain Deployment and Service. See docs/service-spec.md.
package spec

import (
	"k8s.io/apimachinery/pkg/api/resource"
)

// File is a parsed service spec file.
type File struct {
	Services []Service // sorted by name
}

// Service is one entry under services:.
type Service struct {
	Name string
	// Line is where the service is defined, for messages.
	Line int

	Image    string
	CPU      *resource.Quantity
	Memory   *resource.Quantity
	Replicas int32
	Port     int32
	Probe    *Probe
	Env      []Env
	// Volumes make the service a StatefulSet (volumes.go).
	Volumes []Volume
	// Metrics and SLO are observed by the platform (observability.go).
	Metrics *Metrics
	SLO     *SLO

	// Optional platform fields.
	Namespace  string
	Team       string
	Zone       string
	CostCenter string
}

// Probe is the readiness probe: an HTTP GET on the service port.
type Probe struct {
	Path          string
	PeriodSeconds int32
}

// Env is one environment variable: a literal value or a key of a Secret.
type Env struct {
	Name   string
	Value  string
	Secret string
	// Key is the key within the Secret; it defaults to the variable's name.
	Key string
}

// DefaultReplicas is what a service without replicas gets: two, so a node drain
// or a rollout never takes the service down.
const DefaultReplicas = 2
