# sources: sales=sales_parquet, customers=customers
-- GROUP BY, HAVING, aggregates in expressions, DISTINCT aggregates, grouping sets.

query rows group by with having
SELECT customer, sum(amount) AS total, count(*) AS n FROM sales GROUP BY customer HAVING count(*) > 100

query rows group by an ordinal of an expression
SELECT extract(dow FROM ts) AS dow, avg(amount) AS mean, count(*) AS n FROM sales GROUP BY 1

query rows group by a select alias
SELECT upper(region) AS r, count(*) AS n FROM sales GROUP BY r

query rows expressions over several aggregates
SELECT region, sum(amount) / count(amount) AS mean, max(qty) - min(qty) AS spread, round(100.0 * count(note) / count(*), 3) AS noted FROM sales GROUP BY region

query rows count distinct
SELECT day, count(DISTINCT customer) AS customers FROM sales GROUP BY day

query rows global aggregate
SELECT count(*) AS n, sum(qty) AS q, avg(amount) AS a, min(ts) AS first, max(note) AS last_note FROM sales

query rows global aggregate over no rows
SELECT count(*) AS n, sum(amount) AS total, max(id) AS top FROM sales WHERE qty > 100

query rows aggregate with FILTER
SELECT region, count(*) FILTER (WHERE qty > 3) AS big, sum(amount) FILTER (WHERE note IS NULL) AS unnoted FROM sales GROUP BY region

query rows rollup with grouping
SELECT region, day, count(*) AS n, grouping(region, day) AS g FROM sales GROUP BY ROLLUP (region, day)

query rows cube
SELECT region, qty, sum(amount) AS total FROM sales WHERE qty < 2 GROUP BY CUBE (region, qty)

query rows grouping sets
SELECT region, day, max(amount) AS top FROM sales GROUP BY GROUPING SETS ((region), (day), ())

query rows having on an aggregate not selected
SELECT customer FROM sales GROUP BY customer HAVING sum(amount) > 50000

query rows ordered string aggregate
SELECT day, string_agg(DISTINCT region, ',' ORDER BY region) AS regions FROM sales GROUP BY day

query rows case inside aggregates
SELECT customer, sum(CASE WHEN region = 'EU' THEN amount ELSE 0 END) AS eu, sum(CASE WHEN region = 'US' THEN amount END) AS us FROM sales GROUP BY customer

query ordered aggregate of a join, ordered by the aggregate
SELECT c.segment, count(*) AS n, sum(s.amount) AS total FROM sales s JOIN customers c USING (customer) GROUP BY c.segment ORDER BY total DESC, c.segment

query rows group by with null keys
SELECT customer, note, count(*) AS n FROM sales WHERE qty = 4 GROUP BY customer, note
