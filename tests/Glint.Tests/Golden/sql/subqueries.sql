# sources: sales=sales_parquet, customers=customers, segments=segments
-- CTEs, subqueries in FROM, IN / EXISTS (correlated and not), scalar subqueries.

query rows CTE read twice, compared with its own average
WITH totals AS (SELECT customer, sum(amount) AS total FROM sales GROUP BY customer)
SELECT customer, total FROM totals WHERE total > (SELECT avg(total) FROM totals)

query rows CTEs that build on each other
WITH big AS (SELECT * FROM sales WHERE amount > 800), per_day AS (SELECT day, count(*) AS n FROM big GROUP BY day)
SELECT p.day, p.n, count(b.id) AS eu FROM per_day p JOIN big b ON b.day = p.day AND b.region = 'EU' GROUP BY p.day, p.n

query rows subquery in FROM with column aliases
SELECT x.who, x.q FROM (SELECT customer, sum(qty) FROM sales GROUP BY customer) AS x(who, q) WHERE x.q > 400

query rows IN with an uncorrelated subquery
SELECT id, customer FROM sales WHERE customer IN (SELECT customer FROM customers WHERE segment = 'gold') AND qty = 2

query rows NOT IN where the subquery holds a NULL returns nothing
SELECT id FROM sales WHERE customer NOT IN (SELECT customer FROM customers)

query rows NOT IN without NULLs in the subquery
SELECT id, customer FROM sales WHERE customer NOT IN (SELECT customer FROM customers WHERE customer IS NOT NULL) AND qty = 6

query rows correlated EXISTS
SELECT * FROM customers c WHERE EXISTS (SELECT 1 FROM sales s WHERE s.customer = c.customer AND s.qty = 7 AND s.amount > 900)

query rows correlated NOT EXISTS
SELECT * FROM customers c WHERE NOT EXISTS (SELECT * FROM sales s WHERE s.customer = c.customer AND s.region = 'EU')

query rows EXISTS with a correlated inequality
SELECT c.customer, c.credit FROM customers c WHERE EXISTS (SELECT * FROM sales s WHERE s.customer = c.customer AND s.amount > c.credit + 500)

query rows scalar subquery in WHERE
SELECT id, amount FROM sales WHERE amount > (SELECT avg(amount) + 2 * stddev_pop(amount) FROM sales)

query rows correlated scalar subquery
SELECT s.id, s.amount FROM sales s WHERE s.qty = 5 AND s.amount > (SELECT 1.5 * avg(s2.amount) FROM sales s2 WHERE s2.customer = s.customer)

query rows scalar subquery in the select list
SELECT id, amount - (SELECT min(amount) FROM sales) AS above_min FROM sales WHERE qty = 7 AND day = DATE '2024-01-05'

query rows IN over an aggregated subquery with HAVING
SELECT c.customer, c.segment FROM customers c WHERE c.customer IN (SELECT customer FROM sales GROUP BY customer HAVING max(amount) > 990)

query rows subquery comparing with an aggregate of another input
SELECT segment, tier FROM segments WHERE tier > (SELECT count(DISTINCT segment) FROM customers)
