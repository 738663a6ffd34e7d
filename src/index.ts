import './preload';
import { run } from './main';

void run();
