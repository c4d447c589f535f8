using System.Globalization;
using Glint.Common;
using Glint.Engine;

namespace Glint.Samples;

/// <summary>
/// A TPC-H-shaped dataset (the eight tables, their keys, and the value domains the 22 queries
/// filter on, after the TPC-H specification), generated deterministically with DuckDB SQL because
/// DuckDB's tpch extension cannot be installed offline. Scale factor 1 is ~6M lineitem rows.
/// Each table is a folder of Parquet files; the same scale always gives the same rows.
/// </summary>
public static class TpchGenerator
{
    public static readonly string[] Tables = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"];

    private const string Nations = """
        (VALUES (0, 'ALGERIA', 0), (1, 'ARGENTINA', 1), (2, 'BRAZIL', 1), (3, 'CANADA', 1), (4, 'EGYPT', 4), (5, 'ETHIOPIA', 0),
                (6, 'FRANCE', 3), (7, 'GERMANY', 3), (8, 'INDIA', 2), (9, 'INDONESIA', 2), (10, 'IRAN', 4), (11, 'IRAQ', 4),
                (12, 'JAPAN', 2), (13, 'JORDAN', 4), (14, 'KENYA', 0), (15, 'MOROCCO', 0), (16, 'MOZAMBIQUE', 0), (17, 'PERU', 1),
                (18, 'CHINA', 2), (19, 'ROMANIA', 3), (20, 'SAUDI ARABIA', 4), (21, 'VIETNAM', 2), (22, 'RUSSIA', 3),
                (23, 'UNITED KINGDOM', 3), (24, 'UNITED STATES', 1)) AS n(k, name, region)
        """;

    private const string Colors =
        "['almond','antique','aquamarine','azure','beige','bisque','black','blanched','blue','blush','brown','burlywood','burnished'," +
        "'chartreuse','chiffon','chocolate','coral','cornflower','cornsilk','cream','cyan','dark','deep','dim','dodger','drab','firebrick'," +
        "'floral','forest','frosted','gainsboro','ghost','goldenrod','green','grey','honeydew','hot','indian','ivory','khaki','lace'," +
        "'lavender','lawn','lemon','light','lime','linen','magenta','maroon','medium','metallic','midnight','mint','misty','moccasin'," +
        "'navajo','navy','olive','orange','orchid','pale','papaya','peach','peru','pink','plum','powder','puff','purple','red','rose'," +
        "'rosy','royal','saddle','salmon','sandy','seashell','sienna','sky','slate','smoke','snow','spring','steel','tan','thistle'," +
        "'tomato','turquoise','violet','wheat','white','yellow']";

    private const string Words = "['furiously','quickly','carefully','blithely','slyly','final','regular','express','pending','ironic','bold','even','special','requests','deposits','packages','accounts','theodolites','instructions','foxes']";

    /// <summary>Writes every table under <paramref name="folder"/>/&lt;table&gt;/ and returns the folder of each.</summary>
    public static IReadOnlyDictionary<string, string> Generate(string folder, double scale, int filesPerLargeTable = 8)
    {
        if (scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), "scale must be positive");
        long Rows(double perUnit) => Math.Max(1, (long)(perUnit * scale));
        var suppliers = Rows(10_000);
        var parts = Rows(200_000);
        var customers = Rows(150_000);
        var orders = Rows(1_500_000);
        var connection = DuckDbInstances.Rent();
        try
        {
            connection.Execute("RESET threads");
            var paths = Tables.ToDictionary(t => t, t => Path.Combine(folder, t));
            void Write(string table, string query, int index = 0)
            {
                Directory.CreateDirectory(paths[table]);
                var file = Path.Combine(paths[table], $"part-{index:D3}.parquet");
                connection.Execute($"COPY ({query}) TO {Sql.Literal(file)} (FORMAT PARQUET)");
            }
            void Chunked(string table, long rows, Func<long, long, string> query)
            {
                var files = (int)Math.Clamp(rows / 20_000, 1, filesPerLargeTable);
                for (var f = 0; f < files; f++)
                    Write(table, query(rows * f / files + 1, rows * (f + 1) / files + 1), f);
            }

            Write("region", """
                SELECT k::INTEGER AS r_regionkey, name AS r_name, 'region ' || name || ' comment' AS r_comment
                FROM (VALUES (0, 'AFRICA'), (1, 'AMERICA'), (2, 'ASIA'), (3, 'EUROPE'), (4, 'MIDDLE EAST')) AS r(k, name)
                """);
            Write("nation", $"""
                SELECT k::INTEGER AS n_nationkey, name AS n_name, region::INTEGER AS n_regionkey, 'nation ' || name AS n_comment FROM {Nations}
                """);
            Chunked("supplier", suppliers, (a, b) => $"""
                SELECT range AS s_suppkey, 'Supplier#' || lpad(range::VARCHAR, 9, '0') AS s_name,
                       'addr ' || (hash(range, 'sa') % 100000) AS s_address,
                       (hash(range, 'sn') % 25)::INTEGER AS s_nationkey,
                       {Phone("range", "(hash(range, 'sn') % 25)")} AS s_phone,
                       {Money("range", "'sb'", -99999, 999999)} AS s_acctbal,
                       CASE WHEN hash(range, 'sc') % 200 = 0 THEN 'Customer ' || {Word("range", "'w1'")} || ' Complaints'
                            WHEN hash(range, 'sc') % 200 = 1 THEN 'Customer ' || {Word("range", "'w1'")} || ' Recommends'
                            ELSE {Word("range", "'w2'")} || ' ' || {Word("range", "'w3'")} || ' ' || {Word("range", "'w4'")} END AS s_comment
                FROM range({a}, {b})
                """);
            Chunked("customer", customers, (a, b) => $"""
                SELECT range AS c_custkey, 'Customer#' || lpad(range::VARCHAR, 9, '0') AS c_name,
                       'addr ' || (hash(range, 'ca') % 100000) AS c_address,
                       (hash(range, 'cn') % 25)::INTEGER AS c_nationkey,
                       {Phone("range", "(hash(range, 'cn') % 25)")} AS c_phone,
                       {Money("range", "'cb'", -99999, 999999)} AS c_acctbal,
                       ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'][(hash(range, 'cm') % 5)::INTEGER + 1] AS c_mktsegment,
                       {Word("range", "'c1'")} || ' ' || {Word("range", "'c2'")} || ' ' || {Word("range", "'c3'")} AS c_comment
                FROM range({a}, {b})
                """);
            Chunked("part", parts, (a, b) => $"""
                SELECT range AS p_partkey,
                       {Colors}[(hash(range, 'n1') % 92)::INTEGER + 1] || ' ' || {Colors}[(hash(range, 'n2') % 92)::INTEGER + 1] || ' ' ||
                       {Colors}[(hash(range, 'n3') % 92)::INTEGER + 1] || ' ' || {Colors}[(hash(range, 'n4') % 92)::INTEGER + 1] || ' ' ||
                       {Colors}[(hash(range, 'n5') % 92)::INTEGER + 1] AS p_name,
                       'Manufacturer#' || (1 + hash(range, 'pm') % 5) AS p_mfgr,
                       'Brand#' || (1 + hash(range, 'pm') % 5) || (1 + hash(range, 'pb') % 5) AS p_brand,
                       ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'][(hash(range, 't1') % 6)::INTEGER + 1] || ' ' ||
                       ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'][(hash(range, 't2') % 5)::INTEGER + 1] || ' ' ||
                       ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'][(hash(range, 't3') % 5)::INTEGER + 1] AS p_type,
                       (1 + hash(range, 'ps') % 50)::INTEGER AS p_size,
                       ['SM', 'LG', 'MED', 'JUMBO', 'WRAP'][(hash(range, 'c1') % 5)::INTEGER + 1] || ' ' ||
                       ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'][(hash(range, 'c2') % 8)::INTEGER + 1] AS p_container,
                       {RetailPrice("range")} AS p_retailprice,
                       {Word("range", "'pc'")} AS p_comment
                FROM range({a}, {b})
                """);
            Chunked("partsupp", parts, (a, b) => $"""
                SELECT range AS ps_partkey, {SupplierOf("range", "i", suppliers)} AS ps_suppkey,
                       (1 + hash(range, i, 'pq') % 9999)::INTEGER AS ps_availqty,
                       {Money("range", "i, 'pc'", 100, 100000)} AS ps_supplycost,
                       {Word("range", "i, 'pw'")} || ' ' || {Word("range", "i, 'px'")} AS ps_comment
                FROM range({a}, {b}) CROSS JOIN range(4) AS s(i)
                """);
            // Orders go to customers whose key is not divisible by 3, as in the specification (a third never order).
            const string orderDate = "DATE '1992-01-01' + (hash(o, 'od') % 2406)::INTEGER";
            Chunked("orders", orders, (a, b) => $"""
                SELECT o AS o_orderkey, {CustomerOf("o", customers)} AS o_custkey,
                       CASE WHEN {orderDate} + 121 < DATE '1995-06-17' THEN 'F' WHEN {orderDate} > DATE '1995-06-17' THEN 'O' ELSE 'P' END AS o_orderstatus,
                       {Money("o", "'ot'", 100000, 50000000)} AS o_totalprice,
                       {orderDate} AS o_orderdate,
                       ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'][(hash(o, 'op') % 5)::INTEGER + 1] AS o_orderpriority,
                       'Clerk#' || lpad((1 + hash(o, 'ck') % {Math.Max(1, (long)(1000 * scale))})::VARCHAR, 9, '0') AS o_clerk,
                       0 AS o_shippriority,
                       CASE WHEN hash(o, 'oc') % 100 = 0 THEN 'unusual special ' || {Word("o", "'o1'")} || ' requests'
                            ELSE {Word("o", "'o2'")} || ' ' || {Word("o", "'o3'")} || ' ' || {Word("o", "'o4'")} END AS o_comment
                FROM range({a}, {b}) AS t(o)
                """);
            Chunked("lineitem", orders, (a, b) => $"""
                WITH lines AS (
                    SELECT o, l, {orderDate} AS od, 1 + hash(o, l, 'lp') % {parts} AS partkey, (1 + hash(o, l, 'lq') % 50)::INTEGER AS quantity,
                           {orderDate} + (1 + hash(o, l, 'sd') % 121)::INTEGER AS shipdate
                    FROM range({a}, {b}) AS t(o) CROSS JOIN LATERAL (SELECT unnest(range(1, 2 + (hash(o, 'lines') % 7)::INTEGER)) AS l))
                SELECT o AS l_orderkey, partkey AS l_partkey, {SupplierOf("partkey", "hash(o, l, 'ls') % 4", suppliers)} AS l_suppkey,
                       l::INTEGER AS l_linenumber, CAST(quantity AS DECIMAL(15, 2)) AS l_quantity,
                       CAST(quantity * {RetailPrice("partkey")} AS DECIMAL(15, 2)) AS l_extendedprice,
                       CAST((hash(o, l, 'di') % 11) / 100.0 AS DECIMAL(15, 2)) AS l_discount,
                       CAST((hash(o, l, 'tx') % 9) / 100.0 AS DECIMAL(15, 2)) AS l_tax,
                       CASE WHEN shipdate + (1 + hash(o, l, 'rd') % 30)::INTEGER <= DATE '1995-06-17'
                            THEN ['R', 'A'][(hash(o, l, 'rf') % 2)::INTEGER + 1] ELSE 'N' END AS l_returnflag,
                       CASE WHEN shipdate > DATE '1995-06-17' THEN 'O' ELSE 'F' END AS l_linestatus,
                       shipdate AS l_shipdate, od + (30 + hash(o, l, 'cd') % 61)::INTEGER AS l_commitdate,
                       shipdate + (1 + hash(o, l, 'rd') % 30)::INTEGER AS l_receiptdate,
                       ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'][(hash(o, l, 'si') % 4)::INTEGER + 1] AS l_shipinstruct,
                       ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'][(hash(o, l, 'sm') % 7)::INTEGER + 1] AS l_shipmode,
                       {Word("o", "l, 'lc'")} AS l_comment
                FROM lines
                """);
            return paths;
        }
        finally
        {
            connection.Execute("SET threads=1");
            DuckDbInstances.Return(connection);
        }
    }

    private static string Phone(string key, string nation) =>
        $"({nation} + 10)::VARCHAR || '-' || (100 + hash({key}, 'p1') % 900) || '-' || (100 + hash({key}, 'p2') % 900) || '-' || (1000 + hash({key}, 'p3') % 9000)";

    /// <summary>A DECIMAL(15,2) between <paramref name="low"/> and <paramref name="high"/> cents.</summary>
    private static string Money(string key, string salt, long low, long high) =>
        $"CAST(({low} + hash({key}, {salt}) % {high - low + 1})::BIGINT / 100.0 AS DECIMAL(15, 2))";

    private static string Word(string key, string salt) => $"{Words}[(hash({key}, {salt}) % 20)::INTEGER + 1]";

    /// <summary>The specification's retail price: (90000 + ((key / 10) mod 20001) + 100 × (key mod 1000)) / 100.</summary>
    private static string RetailPrice(string key) =>
        $"CAST((90000 + (({key} // 10) % 20001) + 100 * ({key} % 1000)) / 100.0 AS DECIMAL(15, 2))";

    /// <summary>The i-th (0–3) supplier of a part, as the specification spreads them.</summary>
    private static string SupplierOf(string part, string i, long suppliers) =>
        $"(({part} + ({i}) * ({suppliers} // 4 + ({part} - 1) // {suppliers})) % {suppliers} + 1)::BIGINT";

    private static string CustomerOf(string order, long customers)
    {
        var c = customers.ToString(CultureInfo.InvariantCulture);
        return $"(CASE WHEN (1 + hash({order}, 'oc') % {c}) % 3 = 0 THEN (1 + hash({order}, 'oc') % {c}) % {c} + 1 ELSE 1 + hash({order}, 'oc') % {c} END)::BIGINT";
    }
}
