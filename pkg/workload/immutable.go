package workload

// FixedAtCreation are the JSON pointers of a kind's fields the API server
// refuses to change once the object exists: a Job's pod template, a
// StatefulSet's claim templates. pave completes them at creation only: a
// change on an update (a new proxy in the policy, a default class that
// appeared since) would make the API server refuse the whole update, the
// team's change and the controllers' with it. (A Pod's spec is fixed but
// for a few fields; the mutating webhook leaves Pod updates alone.)
func FixedAtCreation(kind string) []string {
	switch kind {
	case "Job":
		return []string{"/spec/template", "/spec/selector"}
	case "StatefulSet":
		return []string{"/spec/volumeClaimTemplates", "/spec/selector", "/spec/serviceName"}
	}
	return nil
}
