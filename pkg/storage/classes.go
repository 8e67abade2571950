// Package storage keeps data at rest encrypted: it knows which
// StorageClasses encrypt, gives claims that name no class the encrypted
// default, and judges every claim — standalone, a StatefulSet's templates, a
// pod's generic ephemeral volumes — by its class.
package storage

import (
	"fmt"
	"slices"
	"strings"

	storagev1 "k8s.io/api/storage/v1"

	"github.com/pave-dev/pave/pkg/policy"
)

// defaultClassAnnotations mark the cluster's default StorageClass (the
// beta name is still read by the API server's DefaultStorageClass plugin).
var defaultClassAnnotations = []string{"storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"}

// encryption is how one provisioner family says a volume is encrypted: any
// of the parameters, set to a true value (or, for key names, to anything).
type encryption struct {
	provisioners []string // exact names; a trailing * matches a suffix family
	flags        []string // parameters that must be "true"
	keys         []string // parameters that name a key: set means encrypted
}

var encryptions = []encryption{
	{provisioners: []string{"ebs.csi.aws.com", "kubernetes.io/aws-ebs"}, flags: []string{"encrypted"}, keys: []string{"kmsKeyId", "kmskeyid"}},
	{provisioners: []string{"pd.csi.storage.gke.io", "kubernetes.io/gce-pd"}, keys: []string{"disk-encryption-kms-key"}},
	{provisioners: []string{"disk.csi.azure.com", "kubernetes.io/azure-disk"}, keys: []string{"diskEncryptionSetID", "diskencryptionsetid"}},
	{provisioners: []string{"rbd.csi.ceph.com", "*.rbd.csi.ceph.com", "kubernetes.io/rbd"}, flags: []string{"encrypted"}},
	{provisioners: []string{"driver.longhorn.io"}, flags: []string{"encrypted"}},
}

// Encrypts says whether a class encrypts its volumes, and why.
func Encrypts(sc storagev1.StorageClass, env policy.Env) (bool, string) {
	if slices.Contains(env.Policy.Spec.Storage.EncryptedClasses, sc.Name) {
		return true, "the policy lists it in spec.storage.encryptedClasses"
	}
	for _, e := range encryptions {
		if !slices.ContainsFunc(e.provisioners, func(p string) bool { return matches(p, sc.Provisioner) }) {
			continue
		}
		for _, f := range e.flags {
			if strings.EqualFold(sc.Parameters[f], "true") {
				return true, fmt.Sprintf("its provisioner %s is asked to encrypt (%s: %q)", sc.Provisioner, f, sc.Parameters[f])
			}
		}
		for _, k := range e.keys {
			if sc.Parameters[k] != "" {
				return true, fmt.Sprintf("its provisioner %s encrypts with the key in %s", sc.Provisioner, k)
			}
		}
		return false, fmt.Sprintf("its provisioner %s is not asked to encrypt (parameters %s)", sc.Provisioner, paramNames(e))
	}
	return false, fmt.Sprintf("pave does not know whether provisioner %s encrypts; list the class in spec.storage.encryptedClasses if it does", sc.Provisioner)
}

func matches(pattern, provisioner string) bool {
	if suffix, ok := strings.CutPrefix(pattern, "*"); ok {
		return strings.HasSuffix(provisioner, suffix)
	}
	return pattern == provisioner
}

func paramNames(e encryption) string {
	var out []string
	for _, f := range e.flags {
		out = append(out, f+`: "true"`)
	}
	return strings.Join(append(out, e.keys...), " or ")
}

// EncryptedClasses names the classes known to encrypt: the policy's, and
// the cluster's whose parameters say so, sorted.
func EncryptedClasses(env policy.Env) []string {
	out := slices.Clone(env.Policy.Spec.Storage.EncryptedClasses)
	for _, sc := range env.StorageClasses {
		if ok, _ := Encrypts(sc, env); ok && !slices.Contains(out, sc.Name) {
			out = append(out, sc.Name)
		}
	}
	slices.Sort(out)
	return out
}

// ClassEncrypts judges a class by name: the policy's list, else the class
// as the cluster (or the input) has it.
func ClassEncrypts(name string, env policy.Env) (bool, string) {
	if slices.Contains(env.Policy.Spec.Storage.EncryptedClasses, name) {
		return true, "the policy lists it"
	}
	for _, sc := range env.StorageClasses {
		if sc.Name == name {
			return Encrypts(sc, env)
		}
	}
	return false, "no StorageClass of that name is known"
}

// DefaultClass is the class a claim that names none gets: the policy's,
// else the cluster's default if it encrypts, else the first that does.
func DefaultClass(env policy.Env) (string, bool) {
	if c := env.Policy.Spec.Storage.DefaultClass; c != "" {
		return c, true
	}
	if d, ok := ClusterDefault(env); ok {
		if enc, _ := Encrypts(d, env); enc {
			return d.Name, true
		}
	}
	if classes := EncryptedClasses(env); len(classes) > 0 {
		return classes[0], true
	}
	return "", false
}

// ClusterDefault is the class the API server gives claims that name none.
func ClusterDefault(env policy.Env) (storagev1.StorageClass, bool) {
	for _, sc := range env.StorageClasses {
		for _, a := range defaultClassAnnotations {
			if sc.Annotations[a] == "true" {
				return sc, true
			}
		}
	}
	return storagev1.StorageClass{}, false
}
