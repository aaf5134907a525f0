using System.Text.Json.Nodes;
using Mesh.Testing.Admission;

namespace Mesh.Operator.Tests.Injection;

/// <summary>
/// Reviews built from Kubernetes' published AdmissionReview JSON (every envelope field filled), its
/// <c>request.object</c> replaced by a pod and its request made a pod CREATE.
/// </summary>
internal static class AdmissionReviews
{
    public const string Uid = PodAdmissionReview.Uid;

    /// <summary>A Deployment-made pod as the API server hands it to admission: generateName, no name yet, defaults filled.</summary>
    public static JsonObject RealisticPod() => JsonNode.Parse("""
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
                "ports": [ { "containerPort": 9080, "protocol": "TCP" } ],
                "env": [ { "name": "LOG_DIR", "value": "/tmp/logs" } ],
                "volumeMounts": [ { "name": "tmp", "mountPath": "/tmp" } ],
                "resources": {},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File"
              }
            ],
            "volumes": [ { "name": "tmp", "emptyDir": {} } ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "securityContext": {},
            "schedulerName": "default-scheduler",
            "enableServiceLinks": true
          }
        }
        """)!.AsObject();

    public static JsonObject For(JsonObject pod, string @namespace = "bookinfo", string operation = "CREATE") =>
        PodAdmissionReview.Create(File.ReadAllText(TestPaths.TestData("admission.k8s.io.v1.AdmissionReview.json")), pod, @namespace, operation);

    public static JsonObject Annotations(this JsonObject pod) => pod["metadata"]!["annotations"]!.AsObject();
}
