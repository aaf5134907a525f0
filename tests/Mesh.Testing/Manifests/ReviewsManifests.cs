namespace Mesh.Testing.Manifests;

/// <summary>A small local-mode mesh for end-to-end tests: the reviews service with subsets v1 and v2.</summary>
public static class ReviewsManifests
{
    public const string Host = "reviews.default.svc.cluster.local";

    /// <summary>The Service, a WorkloadEntry per version on 127.0.0.1 and the DestinationRule with subsets v1, v2.</summary>
    public static string Services(int v1Port, int v2Port) => $$"""
        apiVersion: v1
        kind: Service
        metadata: { name: reviews, namespace: default }
        spec:
          selector: { app: reviews }
          ports: [{ name: http, port: 9080 }]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: { name: reviews-v1, namespace: default }
        spec: { address: 127.0.0.1, ports: { http: {{v1Port}} }, labels: { app: reviews, version: v1 } }
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: { name: reviews-v2, namespace: default }
        spec: { address: 127.0.0.1, ports: { http: {{v2Port}} }, labels: { app: reviews, version: v2 } }
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: { name: reviews, namespace: default }
        spec:
          host: reviews
          subsets:
            - { name: v1, labels: { version: v1 } }
            - { name: v2, labels: { version: v2 } }
        """;

    /// <summary>The VirtualService whose rule <c>split</c> weighs v1 against v2.</summary>
    public static string Split(int v1, int v2) => $$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: { name: reviews, namespace: default }
        spec:
          hosts: [reviews]
          http:
            - name: split
              route:
                - { destination: { host: reviews, subset: v1 }, weight: {{v1}} }
                - { destination: { host: reviews, subset: v2 }, weight: {{v2}} }
        """;
}
