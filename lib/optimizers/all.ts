/** Registers every deterministic method (import for side effects). One line per method file. */
import './mdb';
import './gd';
import './diag_hessian';
import './rprop';
import './hypergd';
import './rmsprop';
import './adagrad';
import './adagrad_ls';
import './diagonal_bb';
import './lbfgs';
import './newton_cg';
import './newton';
