package workload

import "k8s.io/apimachinery/pkg/util/validation"

// Nameable reports whether a Secret, ConfigMap or PersistentVolumeClaim can
// be called name: all three are named as DNS subdomains. The API server
// checks the names of env references but not those a volume gives, so a pod
// may refer to an object that can never exist (DB_Creds). Most names are
// told without apimachinery's regular expression, which every meshed pod
// would otherwise pay for the proxy's own ConfigMap: one label of
// lower-case letters, digits and inner '-'.
func Nameable(name string) bool {
	if name == "" || len(name) > validation.DNS1123SubdomainMaxLength {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && (c != '-' || i == 0 || i == len(name)-1) {
			return len(validation.IsDNS1123Subdomain(name)) == 0
		}
	}
	return true
}
