# sources: sales=sales_parquet, customers=customers, segments=segments
-- Joins: every join type, USING and NATURAL, three inputs, residual conditions, pushdown.

query rows inner join with a filter on one side
SELECT s.id, s.amount, c.segment FROM sales s JOIN customers c ON s.customer = c.customer WHERE s.qty > 5

query rows three inputs joined, then aggregated
SELECT g.tier, count(*) AS n, sum(s.amount) AS total
FROM sales s JOIN customers c ON s.customer = c.customer JOIN segments g ON c.segment = g.segment
GROUP BY g.tier

query rows comma joins with equalities in WHERE
SELECT s.id, c.credit, g.discount FROM sales s, customers c, segments g
WHERE s.customer = c.customer AND c.segment = g.segment AND g.tier < 10 AND s.qty BETWEEN 1 AND 3

query rows left join keeps customers without sales
SELECT c.customer, count(s.id) AS sales, sum(s.amount) AS amount FROM customers c LEFT JOIN sales s ON s.customer = c.customer GROUP BY c.customer

query rows right join
SELECT s.id, c.customer, c.credit FROM sales s RIGHT JOIN customers c ON s.customer = c.customer AND s.qty = 7

query rows full outer join with USING merges the key
SELECT segment, customer, tier FROM customers FULL OUTER JOIN segments USING (segment)

query rows USING join with star shows the key once
SELECT * FROM customers JOIN segments USING (segment) WHERE tier > 5

query rows natural join
SELECT * FROM customers NATURAL JOIN segments

query rows equi join with a residual condition
SELECT s.id, s.amount, c.credit FROM sales s JOIN customers c ON s.customer = c.customer AND s.amount > c.credit

query rows self join on an expression within one partition
SELECT a.id, b.id AS next_id, b.amount - a.amount AS delta FROM sales a JOIN sales b ON b.id = a.id + 1 WHERE a.day = DATE '2024-01-02'

query rows cross join with a condition between the sides
SELECT g1.tier AS t1, g2.tier AS t2 FROM segments g1 CROSS JOIN segments g2 WHERE g1.tier + g2.tier = 12

query rows join on computed keys
SELECT s.id, c.segment FROM sales s JOIN customers c ON upper(s.customer) = upper(c.customer) WHERE s.qty = 0

query rows semi join
SELECT * FROM customers SEMI JOIN sales USING (customer)

query rows anti join
SELECT * FROM customers ANTI JOIN sales USING (customer)

query rows left join with a condition on the right side only
SELECT c.customer, c.segment, g.tier FROM customers c LEFT JOIN segments g ON c.segment = g.segment AND g.tier > 8

query rows left join then IS NULL finds the unmatched
SELECT c.customer FROM customers c LEFT JOIN sales s ON s.customer = c.customer WHERE s.id IS NULL

query rows join with a partition filter
SELECT s.id, c.segment, s.day FROM sales s JOIN customers c USING (customer) WHERE s.day = DATE '2024-01-03' AND s.amount > 500

query rows left join of a subquery result
SELECT c.customer, t.total FROM customers c LEFT JOIN (SELECT customer, sum(amount) AS total FROM sales GROUP BY customer) t ON t.customer = c.customer
