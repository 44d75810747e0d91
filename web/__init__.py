"""What a browser gets from leadbox: the GraphiQL page and the files it loads, all same-origin."""
