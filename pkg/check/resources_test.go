package check_test

import (
	"testing"
)

// Resources the API server refuses after the mutating webhooks are an input
// error at the object's line, in its words (each message below is what
// kube-apiserver 1.37 answered for the same container); what it takes is
// judged.
func TestInvalidResourcesAreAnInputError(t *testing.T) {
	deployment := func(resources string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n" +
			"    spec: {containers: [{name: web, image: registry.example.com/shop/web:1.4.2, resources: " + resources + "}]}\n"
	}
	const c0 = "spec.template.spec.containers[0].resources"
	for _, c := range []struct{ name, doc, want string }{
		{"valid", deployment("{requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}"), ""},
		{"zero", deployment("{requests: {cpu: '0'}}"), ""},
		{"a limit alone", deployment("{limits: {cpu: 50m, memory: 64Mi}}"), ""},
		{"a device, whole", deployment("{requests: {memory: 1Gi, example.com/gpu: '1'}, limits: {memory: 1Gi, example.com/gpu: '1'}}"), ""},
		{"huge pages with memory", deployment("{requests: {memory: 1Gi, hugepages-2Mi: 4Mi}, limits: {memory: 1Gi, hugepages-2Mi: 4Mi}}"), ""},
		{"negative request", deployment("{requests: {cpu: '-1'}}"), `Deployment "web" is invalid: ` + c0 + `.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0`},
		{"negative limit", deployment("{limits: {memory: -1Mi}}"), c0 + `.limits[memory]: Invalid value: "-1Mi": must be greater than or equal to 0`},
		{"request above its limit", deployment("{requests: {memory: 512Mi}, limits: {memory: 256Mi}}"), c0 + `.requests: Invalid value: "512Mi": must be less than or equal to memory limit of 256Mi`},
		{"cpu above its limit", deployment("{requests: {cpu: '2'}, limits: {cpu: '1'}}"), `Invalid value: "2": must be less than or equal to cpu limit of 1`},
		{"storage", deployment("{requests: {storage: 1Gi}}"), c0 + `.requests[storage]: Invalid value: "storage": must be a standard resource for containers`},
		{"no domain", deployment("{requests: {foo: '1'}}"), `Invalid value: "foo": must be a standard resource type or fully qualified, ` + c0 + `.requests[foo]: Invalid value: "foo": must be a standard resource for containers`},
		{"a device, in part", deployment("{requests: {example.com/gpu: 500m}, limits: {example.com/gpu: 500m}}"), c0 + `.limits[example.com/gpu]: Invalid value: "500m": must be an integer`},
		{"a device, requested only", deployment("{requests: {example.com/gpu: '1'}}"), c0 + `.limits: Required value: Limit must be set for non overcommitable resources`},
		{"a device, overcommitted", deployment("{requests: {example.com/gpu: '1'}, limits: {example.com/gpu: '2'}}"), c0 + `.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2`},
		{"a name no device has", deployment("{requests: {requests.example.com/x: '1'}, limits: {requests.example.com/x: '1'}}"), `Invalid value: "requests.example.com/x": doesn't follow extended resource name standard`},
		{"huge pages alone", deployment("{limits: {hugepages-1Gi: 1Gi}}"), c0 + `: Forbidden: HugePages require cpu or memory`},
		{"huge pages, in part", deployment("{requests: {memory: 1Gi, hugepages-2Mi: 3Mi}, limits: {hugepages-2Mi: 3Mi}}"), `Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi`},
		{"huge pages, overcommitted", deployment("{requests: {memory: 1Gi, hugepages-2Mi: 2Mi}, limits: {memory: 1Gi, hugepages-2Mi: 4Mi}}"), `Invalid value: "2Mi": must be equal to hugepages-2Mi limit of 4Mi`},
		{"an init container", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  initContainers: [{name: init, image: registry.example.com/shop/init:1.0.0, resources: {requests: {cpu: '2'}, limits: {cpu: '1'}}}]\n  containers: [{name: web, image: registry.example.com/shop/web:1.4.2}]\n",
			`Pod "web" is invalid: spec.initContainers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1: the API server refuses it after mutating admission`},
		// A Pod's requests default to its limits first, as in the API server.
		{"a pod's huge pages, limited", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: web, image: registry.example.com/shop/web:1.4.2, resources: {limits: {memory: 1Gi, hugepages-2Mi: 4Mi}}}]\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) { judgedOrInputError(t, c.doc, c.want) })
	}
}
