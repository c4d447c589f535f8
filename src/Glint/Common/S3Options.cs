using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;

namespace Glint.Common;

/// <summary>
/// How Glint reaches S3-compatible stores: endpoint, region, path-style addressing and a credentials profile, from
/// settings (s3_endpoint, s3_region, s3_path_style, s3_profile) or else the standard AWS environment variables
/// (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_REGION / AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
/// AWS_SESSION_TOKEN, AWS_PROFILE) and profile files. Secrets never come from settings, so never sit in a job spec.
/// </summary>
public sealed record S3Options(string? Endpoint, string Region, bool PathStyle, string? Profile)
{
    /// <summary>Bytes above which uploads go in parts (and downloads in ranged reads).</summary>
    public long PartSize { get; init; } = 16L << 20;

    /// <summary>Keys given in code (tests); otherwise the profile, the environment or the SDK's default chain.</summary>
    internal AWSCredentials? Credentials { get; init; }

    /// <summary>Objects per listing page (S3's maximum is 1000).</summary>
    internal int PageSize { get; init; } = 1000;

    public static S3Options FromEnvironment()
    {
        var endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        var region = Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";
        // A custom endpoint (MinIO, s3rver, Ceph) almost always wants path-style addressing.
        return new S3Options(endpoint, region, endpoint is not null, Environment.GetEnvironmentVariable("AWS_PROFILE"));
    }

    /// <summary>The client these options describe (one per distinct options, shared by the process).</summary>
    public AmazonS3Client Client() => Clients.GetOrAdd(this, o => o.Create());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<S3Options, AmazonS3Client> Clients = new();

    private AmazonS3Client Create()
    {
        var config = new AmazonS3Config { ForcePathStyle = PathStyle, MaxErrorRetry = 4, Timeout = TimeSpan.FromMinutes(5) };
        if (Endpoint is not null)
        {
            config.ServiceURL = Endpoint;
            config.AuthenticationRegion = Region;
        }
        else config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        var credentials = Credentials;
        if (credentials is not null) { }
        else if (Profile is not null)
        {
            if (!new CredentialProfileStoreChain().TryGetAWSCredentials(Profile, out credentials))
                throw new ConfigException("s3_profile", $"no AWS credentials profile named '{Profile}' in ~/.aws/credentials or ~/.aws/config");
        }
        else if (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { } id && Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is { } secret)
        {
            var token = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
            credentials = token is null ? new BasicAWSCredentials(id, secret) : new SessionAWSCredentials(id, secret, token);
        }
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    public override string ToString() => $"{Endpoint ?? "aws"} ({Region}{(PathStyle ? ", path-style" : "")})";
}
