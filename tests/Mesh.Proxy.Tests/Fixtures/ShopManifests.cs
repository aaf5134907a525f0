using System.Globalization;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// Local-mode manifests for namespace <c>shop</c>: the <c>frontend</c> and <c>cart</c> WorkloadEntries (cart on its
/// sidecar's inbound port, labelled as running one), the <c>cart</c> Service, and a MeshPolicy that lets only
/// frontend reach cart's <c>/api/*</c>.
/// </summary>
internal static class ShopManifests
{
    public const string Namespace = "shop";
    public const int CartServicePort = 8080;
    public const string FrontendPrincipal = "cluster.local/ns/shop/sa/frontend";

    public static string Workloads(int cartInboundPort) => $$"""
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata:
          name: frontend
          namespace: shop
        spec:
          address: 127.0.0.1
          labels:
            app: frontend
            mesh.io/tls-mode: mesh
          serviceAccount: frontend
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata:
          name: cart
          namespace: shop
        spec:
          address: 127.0.0.1
          ports:
            http: {{cartInboundPort.ToString(CultureInfo.InvariantCulture)}}
          labels:
            app: cart
            mesh.io/tls-mode: mesh
          serviceAccount: cart
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: cart
          namespace: shop
        spec:
          selector:
            app: cart
          ports:
            - name: http
              port: {{CartServicePort.ToString(CultureInfo.InvariantCulture)}}
        """;

    /// <param name="mtlsMode">STRICT, PERMISSIVE or DISABLE.</param>
    public static string CartPolicy(string mtlsMode) => $$"""
        apiVersion: mesh.io/v1alpha1
        kind: MeshPolicy
        metadata:
          name: cart
          namespace: shop
        spec:
          selector:
            matchLabels:
              app: cart
          mtls:
            mode: {{mtlsMode}}
          action: ALLOW
          rules:
            - from:
                - principals: ["{{FrontendPrincipal}}"]
              to:
                - paths: ["/api/*"]
        """;
}
