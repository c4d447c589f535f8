using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Glint.Common;

namespace Glint.Storage.ObjectStores;

/// <summary>An object as a listing returns it.</summary>
public sealed record StoredObject(S3Uri Uri, long Size, DateTime ModifiedUtc, string ETag);

/// <summary>
/// The S3 operations Glint needs — paginated listing, ranged downloads, uploads (multipart for large files) checked
/// byte for byte, copies and deletes — with S3's errors turned into Glint's (transient ones retried by the SDK with
/// backoff first, then reported as retryable).
/// </summary>
public sealed class ObjectStore(S3Options options)
{
    public S3Options Options => options;
    private AmazonS3Client Client => options.Client();

    /// <summary>Test hook: called before each upload with the object's key; throwing there simulates a failed upload.</summary>
    internal static Action<string>? BeforeUpload { get; set; }

    /// <summary>Every object under a prefix (all pages), in key order.</summary>
    public ImmutableArray<StoredObject> List(S3Uri prefix)
    {
        var result = ImmutableArray.CreateBuilder<StoredObject>();
        // Marker paging (ListObjects v1) works everywhere; s3rver fails v2 continuation tokens with an internal error.
        var request = new ListObjectsRequest { BucketName = prefix.Bucket, Prefix = prefix.Key, MaxKeys = options.PageSize };
        Call(prefix, "list", () =>
        {
            ListObjectsResponse page;
            do
            {
                page = Client.ListObjectsAsync(request).GetAwaiter().GetResult();
                foreach (var o in page.S3Objects ?? [])
                    result.Add(new StoredObject(new S3Uri(prefix.Bucket, o.Key), o.Size ?? 0, (o.LastModified ?? DateTime.MinValue).ToUniversalTime(), o.ETag?.Trim('"') ?? ""));
                request.Marker = page.NextMarker ?? page.S3Objects?.LastOrDefault()?.Key;
            } while (page.IsTruncated == true && request.Marker is not null);
            return 0;
        });
        return [.. result.OrderBy(o => o.Uri.Key, StringComparer.Ordinal)];
    }

    /// <summary>Whether the object exists (and its size), without reading it.</summary>
    public long? Size(S3Uri uri)
    {
        try
        {
            return Client.GetObjectMetadataAsync(uri.Bucket, uri.Key).GetAwaiter().GetResult().ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is not "NoSuchBucket") { return null; }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException)
        {
            throw Failure(uri, "read", e);
        }
    }

    /// <summary>Downloads an object to a local file in ranged reads of <see cref="S3Options.PartSize"/>, checking the length.</summary>
    public void Download(S3Uri uri, string localPath, long size)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
        Call(uri, "download", () =>
        {
            using var file = File.Create(localPath);
            for (long offset = 0; offset < size || (size == 0 && offset == 0); offset += options.PartSize)
            {
                var request = new GetObjectRequest { BucketName = uri.Bucket, Key = uri.Key };
                if (size > 0) request.ByteRange = new ByteRange(offset, Math.Min(size, offset + options.PartSize) - 1);
                using var response = Client.GetObjectAsync(request).GetAwaiter().GetResult();
                response.ResponseStream.CopyTo(file);
                if (size == 0) break;
            }
            if (file.Length != size)
                throw new TransientException($"download of '{uri}' gave {file.Length} bytes, the listing said {size}");
            return 0;
        });
    }

    public string ReadText(S3Uri uri) => Call(uri, "read", () =>
    {
        using var response = Client.GetObjectAsync(uri.Bucket, uri.Key).GetAwaiter().GetResult();
        using var reader = new StreamReader(response.ResponseStream);
        return reader.ReadToEnd();
    });

    /// <summary>
    /// Uploads a local file; large files in parts. Chunked signing is off (over plain HTTP some S3-compatible
    /// servers store its framing inside the object), and every part's MD5 is checked against the ETag the server returns.
    /// </summary>
    public void Upload(string localPath, S3Uri uri)
    {
        BeforeUpload?.Invoke(uri.Key);
        var length = new FileInfo(localPath).Length;
        Call(uri, "upload", () =>
        {
            if (length <= options.PartSize)
            {
                var md5 = Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(localPath)));
                var put = Client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = uri.Bucket, Key = uri.Key, FilePath = localPath, UseChunkEncoding = false, DisablePayloadSigning = false,
                }).GetAwaiter().GetResult();
                Verify(uri, put.ETag, md5);
                return 0;
            }
            var upload = Client.InitiateMultipartUploadAsync(uri.Bucket, uri.Key).GetAwaiter().GetResult();
            try
            {
                var parts = new List<PartETag>();
                using var file = File.OpenRead(localPath);
                var buffer = new byte[options.PartSize];
                for (var number = 1; file.Position < length; number++)
                {
                    var read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                    using var part = new MemoryStream(buffer, 0, read, writable: false);
                    var response = Client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = uri.Bucket, Key = uri.Key, UploadId = upload.UploadId, PartNumber = number, InputStream = part,
                        PartSize = read, UseChunkEncoding = false,
                    }).GetAwaiter().GetResult();
                    Verify(uri, response.ETag, Convert.ToHexStringLower(MD5.HashData(buffer.AsSpan(0, read))));
                    parts.Add(new PartETag(number, response.ETag));
                }
                Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = uri.Bucket, Key = uri.Key, UploadId = upload.UploadId, PartETags = parts,
                }).GetAwaiter().GetResult();
            }
            catch
            {
                try { Client.AbortMultipartUploadAsync(uri.Bucket, uri.Key, upload.UploadId).GetAwaiter().GetResult(); } catch (Exception) { }
                throw;
            }
            if (Size(uri) != length) throw new TransientException($"upload of '{uri}' stored a different number of bytes than {length}");
            return 0;
        });
    }

    /// <summary>The largest object one CopyObject request copies; larger ones are copied in parts.</summary>
    private const long CopyLimit = 5L << 30;

    /// <summary>Copies an object server-side (no bytes through this process); objects over 5 GiB in parts.</summary>
    public void Copy(S3Uri from, S3Uri to, long size)
    {
        BeforeUpload?.Invoke(to.Key);
        Call(to, "copy", () =>
        {
            if (size <= CopyLimit)
                return Client.CopyObjectAsync(new CopyObjectRequest
                {
                    SourceBucket = from.Bucket, SourceKey = from.Key, DestinationBucket = to.Bucket, DestinationKey = to.Key,
                }).GetAwaiter().GetResult().ETag;
            var upload = Client.InitiateMultipartUploadAsync(to.Bucket, to.Key).GetAwaiter().GetResult();
            var parts = new List<PartETag>();
            for (long first = 0, number = 1; first < size; first += CopyLimit, number++)
            {
                var part = Client.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = from.Bucket, SourceKey = from.Key, DestinationBucket = to.Bucket, DestinationKey = to.Key,
                    UploadId = upload.UploadId, PartNumber = (int)number, FirstByte = first, LastByte = Math.Min(size, first + CopyLimit) - 1,
                }).GetAwaiter().GetResult();
                parts.Add(new PartETag((int)number, part.ETag));
            }
            return Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = to.Bucket, Key = to.Key, UploadId = upload.UploadId, PartETags = parts,
            }).GetAwaiter().GetResult().ETag;
        });
        // One CopyObject is atomic; parts put together are checked.
        if (size > CopyLimit && Size(to) != size) throw new TransientException($"copy of '{from}' to '{to}' stored a different number of bytes than {size}");
    }

    public void WriteText(S3Uri uri, string text)
    {
        BeforeUpload?.Invoke(uri.Key);
        Call(uri, "write", () => Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = uri.Bucket, Key = uri.Key, ContentBody = text, UseChunkEncoding = false,
        }).GetAwaiter().GetResult());
    }

    public void Delete(IEnumerable<S3Uri> uris)
    {
        foreach (var bucket in uris.GroupBy(u => u.Bucket))
            foreach (var batch in bucket.Chunk(1000))
                Call(batch[0], "delete", () => Client.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = bucket.Key, Objects = [.. batch.Select(u => new KeyVersion { Key = u.Key })],
                }).GetAwaiter().GetResult());
    }

    private static void Verify(S3Uri uri, string? etag, string md5)
    {
        if (etag is not null && !string.Equals(etag.Trim('"'), md5, StringComparison.OrdinalIgnoreCase))
            throw new TransientException($"upload of '{uri}' was stored with a different checksum (ETag {etag}, sent MD5 {md5})");
    }

    private T Call<T>(S3Uri uri, string doing, Func<T> call)
    {
        try { return call(); }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TaskCanceledException)
        {
            throw Failure(uri, doing, e);
        }
    }

    private GlintException Failure(S3Uri uri, string doing, Exception e)
    {
        var detail = e is AmazonS3Exception s3 ? $"{s3.ErrorCode ?? s3.StatusCode.ToString()}: {s3.Message}" : e.Message;
        var message = $"cannot {doing} '{uri}' at {options}: {detail}";
        var fatal = e is AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.BadRequest }
            or AmazonS3Exception { ErrorCode: "NoSuchBucket" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" };
        return fatal ? new SourceException(uri.ToString(), message, e) : new TransientException(message, e);
    }
}
