// PostGraphile 5.1 asks for Node 22; the machines here have Node 20. The one Node 22 feature it
// reaches for on the query path is Promise.withResolvers: defined here as Node 22 defines it.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((yes, no) => {
      resolve = yes;
      reject = no;
    });
    return { promise, resolve, reject };
  };
}
