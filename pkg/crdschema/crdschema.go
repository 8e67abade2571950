// Package crdschema judges objects of pave's own kinds by the
// CustomResourceDefinitions pave ships, as the API server judges them on
// write: the OpenAPI schema (types, bounds, patterns, enums) and the CEL
// rules. The CLI reads policy files with it, so what the API server would
// refuse is refused there too, from the one source both read; pave's own
// validation (package policy) then judges what the CRD cannot say.
package crdschema

import (
	"context"
	"fmt"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

// Validator judges objects by the CRDs it was made from, by kind.
type Validator struct {
	kinds map[string]kind
}

type kind struct {
	schema validation.SchemaValidator
	rules  *cel.Validator // nil: the schema has no CEL rules
}

// New reads each CustomResourceDefinition (YAML) and prepares the schema of
// its served storage version.
func New(definitions ...[]byte) (*Validator, error) {
	v := &Validator{kinds: map[string]kind{}}
	for _, data := range definitions {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict(data, &crd); err != nil {
			return nil, fmt.Errorf("read CustomResourceDefinition: %w", err)
		}
		k, err := prepare(crd)
		if err != nil {
			return nil, fmt.Errorf("CustomResourceDefinition %s: %w", crd.Name, err)
		}
		v.kinds[crd.Spec.Names.Kind] = k
	}
	return v, nil
}

func prepare(crd apiextensionsv1.CustomResourceDefinition) (kind, error) {
	for _, ver := range crd.Spec.Versions {
		if !ver.Storage || ver.Schema == nil {
			continue
		}
		var internal apiextensionsinternal.CustomResourceValidation
		if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(ver.Schema, &internal, nil); err != nil {
			return kind{}, err
		}
		sv, _, err := validation.NewSchemaValidator(internal.OpenAPIV3Schema)
		if err != nil {
			return kind{}, err
		}
		structural, err := schema.NewStructural(internal.OpenAPIV3Schema)
		if err != nil {
			return kind{}, err
		}
		return kind{schema: sv, rules: cel.NewValidator(structural, true, celconfig.PerCallLimit)}, nil
	}
	return kind{}, fmt.Errorf("no storage version with a schema")
}

// Validate judges obj (decoded from JSON) as the API server judges a create
// of it; nil for a kind the Validator does not know.
func (v *Validator) Validate(ctx context.Context, obj map[string]any) field.ErrorList {
	kindName, _ := obj["kind"].(string)
	k, ok := v.kinds[kindName]
	if !ok {
		return nil
	}
	errs := validation.ValidateCustomResource(nil, obj, k.schema)
	if len(errs) > 0 || k.rules == nil {
		// As the API server: the rules are evaluated on an object that
		// fits its schema.
		return errs
	}
	errs, _ = k.rules.Validate(ctx, nil, nil, obj, nil, celconfig.RuntimeCELCostBudget)
	return errs
}
