using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Testing.Admission;

namespace Mesh.Benchmarks.Injection;

/// <summary>
/// A pod CREATE review of a given size: Kubernetes' published AdmissionReview envelope around a Deployment-made
/// pod with two containers (env, ports, probes, resources, mounts), padded with env entries to the target size.
/// </summary>
internal static class BenchmarkPod
{
    public static JsonObject Review(int targetBytes)
    {
        var pod = Pod();
        var review = PodAdmissionReview.Create(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Injection", "TestData", "admission.k8s.io.v1.AdmissionReview.json")), pod);
        var request = review["request"]!.AsObject();
        request["object"] = pod;
        var env = pod["spec"]!["containers"]![0]!["env"]!.AsArray();
        for (var i = 0; Encoding.UTF8.GetByteCount(review.ToJsonString()) < targetBytes; i++)
        {
            env.Add(new JsonObject { ["name"] = $"SETTING_{i:000}", ["value"] = $"value-{i.ToString(CultureInfo.InvariantCulture)}-of-a-typical-config-entry" });
        }

        return review;
    }

    private static JsonObject Pod() => JsonNode.Parse("""
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {
            "generateName": "reviews-v1-7d4f9c8b6-",
            "namespace": "bookinfo",
            "labels": { "app": "reviews", "version": "v1", "pod-template-hash": "7d4f9c8b6" },
            "annotations": { "mesh.io/inject": "true", "kubectl.kubernetes.io/restartedAt": "2026-11-20T10:00:00Z" },
            "ownerReferences": [ { "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "reviews-v1-7d4f9c8b6", "uid": "0b7c1e2a-0000-4000-8000-000000000001", "controller": true, "blockOwnerDeletion": true } ]
          },
          "spec": {
            "serviceAccountName": "bookinfo-reviews",
            "containers": [
              {
                "name": "reviews",
                "image": "docker.io/istio/examples-bookinfo-reviews-v1:1.20.2",
                "imagePullPolicy": "IfNotPresent",
                "ports": [ { "name": "http", "containerPort": 9080, "protocol": "TCP" } ],
                "env": [ { "name": "LOG_DIR", "value": "/tmp/logs" } ],
                "volumeMounts": [ { "name": "tmp", "mountPath": "/tmp" }, { "name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true } ],
                "resources": { "requests": { "cpu": "100m", "memory": "128Mi" }, "limits": { "cpu": "1", "memory": "512Mi" } },
                "readinessProbe": { "httpGet": { "path": "/health", "port": 9080, "scheme": "HTTP" }, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3 },
                "livenessProbe": { "httpGet": { "path": "/health", "port": 9080, "scheme": "HTTP" }, "initialDelaySeconds": 15, "periodSeconds": 20, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3 },
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File"
              },
              {
                "name": "log-shipper",
                "image": "docker.io/fluent/fluent-bit:3.1",
                "imagePullPolicy": "IfNotPresent",
                "args": [ "--config", "/fluent-bit/etc/fluent-bit.conf" ],
                "volumeMounts": [ { "name": "tmp", "mountPath": "/tmp" } ],
                "resources": { "requests": { "cpu": "10m", "memory": "32Mi" } },
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File"
              }
            ],
            "volumes": [
              { "name": "tmp", "emptyDir": {} },
              { "name": "kube-api-access", "projected": { "defaultMode": 420, "sources": [ { "serviceAccountToken": { "expirationSeconds": 3607, "path": "token" } }, { "configMap": { "name": "kube-root-ca.crt", "items": [ { "key": "ca.crt", "path": "ca.crt" } ] } } ] } }
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "securityContext": {},
            "schedulerName": "default-scheduler",
            "tolerations": [ { "key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300 } ],
            "enableServiceLinks": true
          }
        }
        """)!.AsObject();
}
