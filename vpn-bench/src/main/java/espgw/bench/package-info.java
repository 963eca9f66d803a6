/** JMH benchmarks of espgw's hot path; the end-to-end benchmark scripts live beside this module. */
package espgw.bench;
