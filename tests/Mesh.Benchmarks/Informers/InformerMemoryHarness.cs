using System.Globalization;
using System.Text.Json;
using k8s.Models;
using Mesh.Kubernetes;

namespace Mesh.Benchmarks.Informers;

/// <summary>
/// <c>informer-memory [pods]</c>: the managed heap an informer cache of Pods holds: KubernetesClient's full
/// <see cref="V1Pod"/>, read with the mesh's options (what the informers cache) and with the library's own. (The slim
/// model this replaced held 42.6 MiB at 2,000 pods against 35.0 MiB for <c>V1Pod</c>, so it was deleted.) Each pod is
/// what an injected Deployment replica looks like from the API server (two containers, an init container,
/// probes, volumes, status, managedFields).
/// </summary>
internal static class InformerMemoryHarness
{
    public static int Run(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var documents = Enumerable.Range(0, count).Select(PodJson).ToArray();
        var wireBytes = documents.Sum(d => (long)d.Length);

        // Warm-up: the serializers' metadata caches are not part of either cache.
        Measure(() => documents.Take(10).Select(d => JsonSerializer.Deserialize<V1Pod>(d, KubernetesJson.Options)!).ToList());
        Measure(() => documents.Take(10).Select(d => k8s.KubernetesJson.Deserialize<V1Pod>(d)).ToList());
        var mesh = Measure(() => documents.Select(d => JsonSerializer.Deserialize<V1Pod>(d, KubernetesJson.Options)!).ToList());
        var library = Measure(() => documents.Select(d => k8s.KubernetesJson.Deserialize<V1Pod>(d)).ToList());

        Console.WriteLine($"pods: {count}, JSON on the wire: {wireBytes / 1024.0 / 1024.0:F2} MiB ({wireBytes / count} B/pod)");
        Console.WriteLine($"V1Pod, mesh JSON options (informer cache): {mesh / 1024.0 / 1024.0:F2} MiB ({mesh / count} B/pod)");
        Console.WriteLine($"V1Pod, KubernetesClient's own options:     {library / 1024.0 / 1024.0:F2} MiB ({library / count} B/pod)");
        return 0;
    }

    /// <summary>Retained heap of what <paramref name="build"/> returns, after full collections.</summary>
    private static long Measure<T>(Func<T> build)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var kept = build();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(kept);
        return after - before;
    }

    private static string PodJson(int i) => PodTemplate
        .Replace("@NAME@", i.ToString("D5", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("@UID@", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("@RV@", (100000 + i).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("@NODE@", (i % 50).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("@IPHI@", (i / 250).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("@IPLO@", (i % 250).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("@SHA_A@", new string('a', 64), StringComparison.Ordinal)
        .Replace("@SHA_B@", new string('b', 64), StringComparison.Ordinal)
        .Replace("@CID@", i.ToString("x64", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private const string PodTemplate = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"reviews-v1-7f9c8d-@NAME@","generateName":"reviews-v1-7f9c8d-","namespace":"bookinfo",
         "uid":"@UID@","resourceVersion":"@RV@","creationTimestamp":"2026-12-01T10:00:00Z",
         "labels":{"app":"reviews","version":"v1","pod-template-hash":"7f9c8d","mesh.io/injected":"true"},
         "annotations":{"mesh.io/status":"{\"version\":\"tmpl-3\",\"containers\":[\"mesh-proxy\"]}","kubectl.kubernetes.io/restartedAt":"2026-12-01T09:59:00Z"},
         "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"reviews-v1-7f9c8d","uid":"@UID@","controller":true,"blockOwnerDeletion":true}],
         "managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2026-12-01T10:00:00Z","fieldsType":"FieldsV1",
           "fieldsV1":{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:version":{}},"f:ownerReferences":{}},"f:spec":{"f:containers":{"k:{\"name\":\"reviews\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{}}}}}},
          {"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2026-12-01T10:00:05Z","fieldsType":"FieldsV1","subresource":"status",
           "fieldsV1":{"f:status":{"f:conditions":{},"f:containerStatuses":{},"f:podIP":{},"f:podIPs":{},"f:startTime":{}}}}]},
         "spec":{"serviceAccountName":"bookinfo-reviews","nodeName":"node-@NODE@","restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","schedulerName":"default-scheduler",
          "securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
          "initContainers":[{"name":"mesh-init","image":"mesh/proxy:1.0.0","args":["init","--redirect","15001"],"resources":{"requests":{"cpu":"10m","memory":"16Mi"}},
            "securityContext":{"capabilities":{"add":["NET_ADMIN","NET_RAW"],"drop":["ALL"]},"runAsUser":0,"runAsNonRoot":false}},
           {"name":"mesh-proxy","image":"mesh/proxy:1.0.0","restartPolicy":"Always","args":["run","--discovery","mesh-operator.mesh-system.svc:15010"],
            "ports":[{"name":"mesh-metrics","containerPort":15090,"protocol":"TCP"}],
            "env":[{"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}},{"name":"POD_NAMESPACE","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}}],
            "resources":{"requests":{"cpu":"50m","memory":"64Mi"},"limits":{"memory":"256Mi"}},
            "readinessProbe":{"httpGet":{"path":"/healthz/ready","port":15021,"scheme":"HTTP"},"periodSeconds":5,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},
            "startupProbe":{"httpGet":{"path":"/healthz/ready","port":15021,"scheme":"HTTP"},"periodSeconds":1,"failureThreshold":60},
            "volumeMounts":[{"name":"mesh-token","mountPath":"/var/run/secrets/mesh","readOnly":true}],
            "securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"runAsUser":1337,"capabilities":{"drop":["ALL"]}}}],
          "containers":[{"name":"reviews","image":"docker.io/istio/examples-bookinfo-reviews-v1:1.20.2","imagePullPolicy":"IfNotPresent",
            "ports":[{"name":"http","containerPort":9080,"protocol":"TCP"}],
            "env":[{"name":"LOG_DIR","value":"/tmp/logs"}],
            "resources":{"requests":{"cpu":"100m","memory":"128Mi"}},
            "volumeMounts":[{"name":"tmp","mountPath":"/tmp"},{"name":"kube-api-access-x7k2p","mountPath":"/var/run/secrets/kubernetes.io/serviceaccount","readOnly":true}],
            "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
          "volumes":[{"name":"tmp","emptyDir":{}},{"name":"mesh-token","projected":{"sources":[{"serviceAccountToken":{"audience":"mesh","expirationSeconds":3600,"path":"token"}}]}},
           {"name":"kube-api-access-x7k2p","projected":{"defaultMode":420,"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}]}}],
          "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]},
         "status":{"phase":"Running","hostIP":"10.0.@NODE@.1","podIP":"10.244.@IPHI@.@IPLO@","podIPs":[{"ip":"10.244.@IPHI@.@IPLO@"}],"startTime":"2026-12-01T10:00:01Z","qosClass":"Burstable",
          "conditions":[{"type":"Initialized","status":"True","lastTransitionTime":"2026-12-01T10:00:03Z"},{"type":"Ready","status":"True","lastTransitionTime":"2026-12-01T10:00:05Z"},
           {"type":"ContainersReady","status":"True","lastTransitionTime":"2026-12-01T10:00:05Z"},{"type":"PodScheduled","status":"True","lastTransitionTime":"2026-12-01T10:00:00Z"}],
          "containerStatuses":[{"name":"reviews","ready":true,"restartCount":0,"started":true,"image":"docker.io/istio/examples-bookinfo-reviews-v1:1.20.2","imageID":"docker.io/istio/examples-bookinfo-reviews-v1@sha256:@SHA_A@",
            "containerID":"containerd://@CID@","state":{"running":{"startedAt":"2026-12-01T10:00:04Z"}},"lastState":{}}],
          "initContainerStatuses":[{"name":"mesh-init","ready":true,"restartCount":0,"image":"mesh/proxy:1.0.0","imageID":"mesh/proxy@sha256:@SHA_B@","state":{"terminated":{"exitCode":0,"reason":"Completed","startedAt":"2026-12-01T10:00:02Z","finishedAt":"2026-12-01T10:00:02Z"}},"lastState":{}},
           {"name":"mesh-proxy","ready":true,"started":true,"restartCount":0,"image":"mesh/proxy:1.0.0","imageID":"mesh/proxy@sha256:@SHA_B@","state":{"running":{"startedAt":"2026-12-01T10:00:03Z"}},"lastState":{}}]}}
        """;
}
