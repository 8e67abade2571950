package e2e

// parityManifests are workloads and objects of every kind pave judges,
// compliant, fixable and hostile, written as people write them: without the
// fields the API server defaults (imagePullPolicy, protocol, restartPolicy),
// which admission sees filled in and pave check does not.
var parityManifests = map[string]string{
	"compliant deployment": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example.com/shop/web:1.4.2
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
`,
	"bare deployment": `apiVersion: apps/v1
kind: Deployment
metadata: {name: bare}
spec:
  selector: {matchLabels: {app: bare}}
  template:
    metadata: {labels: {app: bare}}
    spec:
      containers: [{name: app, image: "nginx:1.27.3"}]
`,
	"hostile deployment": `apiVersion: apps/v1
kind: Deployment
metadata: {name: miner}
spec:
  selector: {matchLabels: {app: miner}}
  template:
    metadata: {labels: {app: miner}}
    spec:
      hostNetwork: true
      containers:
      - name: miner
        image: busybox:latest
        env: [{name: DB_PASSWORD, value: hunter2}]
        securityContext: {privileged: true}
`,
	"volumes naming objects that cannot exist": `apiVersion: apps/v1
kind: Deployment
metadata: {name: misnamed}
spec:
  selector: {matchLabels: {app: misnamed}}
  template:
    metadata: {labels: {app: misnamed}}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/app:1.0.0
        volumeMounts: [{name: creds, mountPath: /creds}, {name: conf, mountPath: /conf}]
      volumes:
      - {name: creds, secret: {secretName: DB_Creds}}
      - {name: conf, projected: {sources: [{configMap: {name: App.Config}}]}}
`,
	"probes naming ports the container does not declare": `apiVersion: apps/v1
kind: Deployment
metadata: {name: renamed}
spec:
  selector: {matchLabels: {app: renamed}}
  template:
    metadata: {labels: {app: renamed}}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/app:1.0.0
        ports: [{name: web, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: http}}
        lifecycle: {preStop: {httpGet: {path: /drain, port: admin}}}
`,
	"namespace named as a subdomain": `apiVersion: v1
kind: Namespace
metadata: {name: shop.eu}
`,
	"lifecycle hooks written as tcpSocket": `apiVersion: apps/v1
kind: Deployment
metadata: {name: hooked}
spec:
  selector: {matchLabels: {app: hooked}}
  template:
    metadata: {labels: {app: hooked}}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/app:1.0.0
        ports: [{name: web, containerPort: 8080}]
        lifecycle: {postStart: {tcpSocket: {port: web}}, preStop: {tcpSocket: {port: 8080}}}
`,
	"limits of zero": `apiVersion: apps/v1
kind: Deployment
metadata: {name: unbounded}
spec:
  selector: {matchLabels: {app: unbounded}}
  template:
    metadata: {labels: {app: unbounded}}
    spec:
      resources: {limits: {memory: "0"}}
      containers:
      - name: app
        image: registry.example.com/shop/app:1.0.0
        resources: {limits: {cpu: "0", memory: 0Mi}}
`,
	"pod without a tag": `apiVersion: v1
kind: Pod
metadata: {name: untagged}
spec:
  containers: [{name: app, image: nginx}]
`,
	"cronjob": `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: "registry.example.com/ops/backup:2.1.0"}]
`,
	"daemonset with a host path": `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      volumes: [{name: host, hostPath: {path: /var/log}}]
      containers:
      - name: agent
        image: registry.example.com/ops/agent:3.0.0
        volumeMounts: [{name: host, mountPath: /host}]
`,
	"job written like a deployment's template": `apiVersion: batch/v1
kind: Job
metadata: {name: migrate-once}
spec:
  template:
    spec:
      containers: [{name: migrate, image: "registry.example.com/shop/migrate:1.0.0"}]
`,
	"cronjob with a pod failure policy and OnFailure": `apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      podFailurePolicy: {rules: [{action: FailJob, onExitCodes: {operator: In, values: [42]}}]}
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: report, image: "registry.example.com/ops/report:1.0.0"}]
`,
	"job as root": `apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext: {runAsUser: 0}
      containers: [{name: migrate, image: "registry.example.com/shop/migrate:1.0.0", securityContext: {runAsNonRoot: false}}]
`,
	"replicaset adding a capability": `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: netadmin}
spec:
  selector: {matchLabels: {app: netadmin}}
  template:
    metadata: {labels: {app: netadmin}}
    spec:
      containers:
      - name: app
        image: registry.example.com/ops/net:1.0.0
        securityContext: {capabilities: {add: [NET_ADMIN]}}
`,
	"replicationcontroller with a host port": `apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/legacy:0.9.1
        ports: [{containerPort: 80, hostPort: 8080}]
`,
	"statefulset unconfined": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      securityContext: {seccompProfile: {type: Unconfined}, sysctls: [{name: kernel.msgmax, value: "65536"}]}
      containers:
      - name: db
        image: registry.example.com/data/db:15.4
        securityContext: {allowPrivilegeEscalation: true}
`,
	"privileged init container, host PID, NFS": `apiVersion: apps/v1
kind: Deployment
metadata: {name: tangled}
spec:
  selector: {matchLabels: {app: tangled}}
  template:
    metadata:
      labels: {app: tangled}
      annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}
    spec:
      hostPID: true
      volumes: [{name: share, nfs: {server: nfs.example.com, path: /exports}}]
      initContainers: [{name: setup, image: "registry.example.com/ops/setup:1.0.0", securityContext: {privileged: true}}]
      containers:
      - name: app
        image: registry.example.com/shop/app:2.0.0
        volumeMounts: [{name: share, mountPath: /share}]
        readinessProbe: {tcpSocket: {port: 8080}}
`,
	"pod with a probe on a named port": `apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: app
    image: registry.example.com/shop/app:2.0.0
    ports: [{name: http, containerPort: 8080}]
    readinessProbe: {httpGet: {path: /healthz, port: http}}
`,
	"image volume from anywhere": `apiVersion: apps/v1
kind: Deployment
metadata: {name: model}
spec:
  selector: {matchLabels: {app: model}}
  template:
    metadata: {labels: {app: model}}
    spec:
      volumes: [{name: weights, image: {reference: "evil.example.net/weights:latest"}}]
      containers:
      - name: app
        image: registry.example.com/shop/app:2.0.0
        volumeMounts: [{name: weights, mountPath: /weights}]
        readinessProbe: {tcpSocket: {port: 8080}}
`,
	// The API server makes a volume without a source an emptyDir, and a
	// Pod's host ports its container ports on the host's network, before
	// admission: pave check judges them so.
	"pod with a volume without a source": `apiVersion: v1
kind: Pod
metadata: {name: scratch}
spec:
  volumes: [{name: scratch}]
  containers:
  - name: app
    image: registry.example.com/shop/app:2.0.0
    volumeMounts: [{name: scratch, mountPath: /scratch}]
    readinessProbe: {tcpSocket: {port: 8080}}
`,
	"pod on the host's network": `apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  hostNetwork: true
  containers:
  - name: app
    image: registry.example.com/shop/app:2.0.0
    ports: [{containerPort: 8080}]
    readinessProbe: {tcpSocket: {port: 8080}}
`,
	// A name the API server refuses (with the rest of the object, after
	// mutating admission), pave check refuses in its words.
	"deployment with an underscore in its name": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web_app}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.example.com/shop/web:1.4.2}]
`,
	"statefulset with a capitalised name and no containers": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: Ledger}
spec:
  selector: {matchLabels: {app: ledger}}
  template:
    metadata: {labels: {app: ledger}}
    spec: {containers: []}
`,
	"cronjob with a name too long for its jobs": `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly-reconciliation-of-the-payments-ledger-of-shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: job, image: registry.example.com/shop/job:1.0.0}]
`,
	"statefulset with a dot in its name": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db.primary}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: registry.example.com/shop/db:16.4}]
`,
	// Resources the API server refuses after pave's mutation, pave check
	// refuses in its words.
	"deployment requesting more memory than its limit": `apiVersion: apps/v1
kind: Deployment
metadata: {name: greedy}
spec:
  selector: {matchLabels: {app: greedy}}
  template:
    metadata: {labels: {app: greedy}}
    spec:
      containers:
      - name: web
        image: registry.example.com/shop/web:1.4.2
        resources: {requests: {memory: 512Mi}, limits: {memory: 256Mi}}
`,
	"pod with a negative cpu request": `apiVersion: v1
kind: Pod
metadata: {name: negative}
spec:
  containers:
  - name: web
    image: registry.example.com/shop/web:1.4.2
    resources: {requests: {cpu: "-1"}}
`,
	"job asking for part of a device": `apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: train
        image: registry.example.com/ml/train:2.0.1
        resources: {requests: {memory: 1Gi, example.com/gpu: 500m}, limits: {memory: 1Gi, example.com/gpu: 500m}}
`,
	// The webhooks never match the control plane's namespaces: what would
	// be denied anywhere else is admitted there, and pave check says so.
	"host-network daemonset in kube-system": `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: kube-system
spec:
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent}}
    spec:
      hostNetwork: true
      containers: [{name: agent, image: nginx, securityContext: {privileged: true}}]
`,
	"service of type NodePort": `apiVersion: v1
kind: Service
metadata: {name: exposed}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80}]
`,
	"deployment under a removed apiVersion": `apiVersion: apps/v1beta2
kind: Deployment
metadata: {name: legacy}
spec:
  selector: {matchLabels: {app: legacy}}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers: [{name: web, image: nginx:1.27.3, securityContext: {privileged: true}}]
`,
	"deployment under a misspelt kind": `apiVersion: apps/v1
kind: Deploymnet
metadata: {name: typo}
spec:
  selector: {matchLabels: {app: typo}}
  template:
    metadata: {labels: {app: typo}}
    spec:
      containers: [{name: web, image: nginx:1.27.3, securityContext: {privileged: true}}]
`,
	"kind in lower case": `apiVersion: v1
kind: configmap
metadata: {name: lower}
data: {a: b}
`,
	"ingress under a removed apiVersion": `apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: legacy}
spec:
  rules: [{host: legacy.example.com}]
`,
	"budget under a removed apiVersion": `apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: legacy}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
`,
	"version the group lacks": `apiVersion: networking.k8s.io/v2
kind: NetworkPolicy
metadata: {name: future}
spec: {podSelector: {}}
`,
	// Written for extensions/v1beta1, which defaulted the selector, as
	// kube-score's and Kyverno's test inputs have them.
	"deployment without a selector": `apiVersion: apps/v1
kind: Deployment
metadata: {name: unselected}
spec:
  template:
    metadata: {labels: {app: unselected}}
    spec:
      containers: [{name: app, image: "nginx:1.27.3"}]
`,
	"daemonset without a selector": `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: unselected}
spec:
  template:
    metadata: {labels: {app: unselected}}
    spec:
      containers: [{name: app, image: "nginx:1.27.3"}]
`,
	"statefulset selecting other pods": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: foo}}
  template:
    metadata: {labels: {app: not-foo}}
    spec:
      containers: [{name: db, image: "postgres:17.2"}]
`,
	"replicaset with an empty selector": `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: everything}
spec:
  selector: {}
  template:
    metadata: {labels: {app: everything}}
    spec:
      containers: [{name: app, image: "nginx:1.27.3"}]
`,
	"deployment selecting by an expression its template fails": `apiVersion: apps/v1
kind: Deployment
metadata: {name: tiered}
spec:
  selector: {matchExpressions: [{key: tier, operator: In, values: [web]}]}
  template:
    metadata: {labels: {app: tiered}}
    spec:
      containers: [{name: app, image: "nginx:1.27.3"}]
`,
	"deployment with a selector operator Kubernetes lacks": `apiVersion: apps/v1
kind: Deployment
metadata: {name: near}
spec:
  selector: {matchExpressions: [{key: tier, operator: Near}]}
  template:
    metadata: {labels: {app: near}}
    spec:
      containers: [{name: app, image: "nginx:1.27.3"}]
`,
	// kube-score's test input: a kind pave's rules do not judge, with the
	// selector written as a bare label map.
	"network policy with an unknown field": `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: testapp-netpol}
spec:
  podSelector:
    app: testapp
`,
	"role with an unknown field": `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: "team:reader"}
rules: [{apiGroups: [""], resources: [pods], verbs: [get], resourceName: [web]}]
`,
	"pod setting its own priority": `apiVersion: v1
kind: Pod
metadata: {name: copied}
spec:
  priority: 10
  containers:
  - name: app
    image: registry.example.com/shop/app:2.0.0
    readinessProbe: {httpGet: {path: /healthz, port: 8080}}
`,
	"pod setting its own preemption policy": `apiVersion: v1
kind: Pod
metadata: {name: patient}
spec:
  preemptionPolicy: Never
  containers:
  - name: app
    image: registry.example.com/shop/app:2.0.0
    readinessProbe: {httpGet: {path: /healthz, port: 8080}}
`,
	"deployment copied from a running pod": `apiVersion: apps/v1
kind: Deployment
metadata: {name: copied}
spec:
  selector: {matchLabels: {app: copied}}
  template:
    metadata: {labels: {app: copied}}
    spec:
      priority: 0
      preemptionPolicy: Never
      containers:
      - name: app
        image: registry.example.com/shop/app:2.0.0
        readinessProbe: {httpGet: {path: /healthz, port: 8080}}
`,
	"deployment without containers": `apiVersion: apps/v1
kind: Deployment
metadata: {name: hollow}
spec:
  selector: {matchLabels: {app: hollow}}
  template:
    metadata: {labels: {app: hollow}}
    spec:
      containers: []
`,
	"deployment with two containers of one name": `apiVersion: apps/v1
kind: Deployment
metadata: {name: twins}
spec:
  selector: {matchLabels: {app: twins}}
  template:
    metadata: {labels: {app: twins}}
    spec:
      initContainers:
      - {name: app, image: registry.example.com/shop/app:2.0.0}
      containers:
      - name: app
        image: registry.example.com/shop/app:2.0.0
        readinessProbe: {httpGet: {path: /healthz, port: 8080}}
      - name: app
        image: registry.example.com/shop/app:2.0.0
        readinessProbe: {httpGet: {path: /healthz, port: 8081}}
`,
	"pod with a misnamed container and one without an image": `apiVersion: v1
kind: Pod
metadata: {name: misnamed}
spec:
  containers:
  - name: App_1
    image: registry.example.com/shop/app:2.0.0
    readinessProbe: {httpGet: {path: /healthz, port: 8080}}
  - name: helper
`,
	"statefulset without a selector or containers": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: empty}
spec:
  serviceName: empty
  template:
    metadata: {labels: {app: empty}}
    spec: {}
`,
	"deployment mounting a misspelt volume twice over": `apiVersion: apps/v1
kind: Deployment
metadata: {name: misspelt}
spec:
  selector: {matchLabels: {app: misspelt}}
  template:
    metadata: {labels: {app: misspelt}}
    spec:
      volumes:
      - {name: config, configMap: {name: web-config}}
      - {name: Cache, emptyDir: {}}
      containers:
      - name: app
        image: registry.example.com/shop/app:2.0.0
        readinessProbe: {httpGet: {path: /healthz, port: 8080}}
        volumeMounts:
        - {name: confg, mountPath: /etc/app}
        - {name: Cache, mountPath: /etc/app}
`,
	"statefulset mounting a misspelt claim": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ledger}
spec:
  serviceName: ledger
  selector: {matchLabels: {app: ledger}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  template:
    metadata: {labels: {app: ledger}}
    spec:
      volumes:
      - {name: data, emptyDir: {}}
      - {name: Scratch, emptyDir: {}}
      containers:
      - name: db
        image: registry.example.com/shop/ledger:3.1.0
        readinessProbe: {tcpSocket: {port: 5432}}
        volumeMounts:
        - {name: data, mountPath: /var/lib/ledger}
        - {name: dta, mountPath: /var/cache/ledger}
`,
	// Flagger's podinfo chart's test Pod (its image pinned here): the
	// script fetches its token, and names it only as expansions.
	"pod whose script fetches its token": `apiVersion: v1
kind: Pod
metadata: {name: jwt-test}
spec:
  containers:
  - name: tools
    image: giantswarm/tiny-tools:3.12
    command:
    - sh
    - -c
    - |
      TOKEN=$(curl -sd 'test' ${PODINFO_SVC}/token | jq -r .token) &&
      curl -H "Authorization: Bearer ${TOKEN}" ${PODINFO_SVC}/token/validate | grep test
    env: [{name: PODINFO_SVC, value: "podinfo:9898"}]
  restartPolicy: Never
`,
	// Kubernetes' mysql-upgrade StatefulSet sets an empty password in its
	// script's SQL; a literal one is still denied.
	"deployment whose script sets an empty and a literal password": `apiVersion: apps/v1
kind: Deployment
metadata: {name: replica}
spec:
  selector: {matchLabels: {app: replica}}
  template:
    metadata: {labels: {app: replica}}
    spec:
      containers:
      - name: empty
        image: registry.example.com/shop/mysql:5.7.44
        command: [bash, -c, "mysql -h 127.0.0.1 -e \"CHANGE MASTER TO MASTER_USER='root', MASTER_PASSWORD='', MASTER_CONNECT_RETRY=10\""]
      - name: literal
        image: registry.example.com/shop/mysql:5.7.44
        command: [bash, -c, "mysql -h 127.0.0.1 -e \"CHANGE MASTER TO MASTER_USER='root', MASTER_PASSWORD='hunter2', MASTER_CONNECT_RETRY=10\""]
`,
	// Kyverno's test resources: an owner reference without its uid, a
	// Service without ports, Ingresses without rules or a default backend.
	"pod owned without a uid": `apiVersion: v1
kind: Pod
metadata:
  name: owned
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, controller: true}]
spec:
  containers: [{name: app, image: registry.example.com/shop/app:1.0.0}]
`,
	"service without ports": `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}}
`,
	"headless service without ports": `apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}}
`,
	"ingress without rules": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec: {ingressClassName: nginx}
`,
	"ingress with an empty list of rules": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec: {rules: []}
`,
}
